import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { COMMAND_MODULES, commandWord, registerCommandModules } from '../../src/cli/commandModules.js';

const names = (program: Command) => program.commands.map((c) => c.name());

test('each command module registers exactly the commands the table names for it', async () => {
  for (const m of COMMAND_MODULES) {
    const program = new Command();
    (await m.load())(program);
    assert.deepEqual(names(program), m.commands);
  }
});

test('the word that names the command is found after the program options and their values', () => {
  const argv = (...args: string[]) => ['node', 'epistola', ...args];
  assert.equal(commandWord(argv('search', 'budget')), 'search');
  assert.equal(commandWord(argv('--data', 'serve', 'stats')), 'stats', 'a data directory named like a command');
  assert.equal(commandWord(argv('--database', 'postgres://x/y', '--data=d', 'export', '--out', 'site')), 'export');
  assert.equal(commandWord(argv('--help')), null);
  assert.equal(commandWord(argv()), null);
});

test('a command line loads its own module, none for a command main defines, and all for help or an unknown word', async () => {
  const run = async (...args: string[]) => {
    const program = new Command();
    program.command('search');
    await registerCommandModules(program, ['node', 'epistola', ...args]);
    return names(program);
  };
  const all = ['search', ...COMMAND_MODULES.flatMap((m) => m.commands)];
  assert.deepEqual(await run('--data', 'd', 'search', 'x'), ['search']);
  assert.deepEqual(await run('mirror', 'sync'), ['search', 'export', 'mirror']);
  assert.deepEqual(await run('verify-redaction', 'f'), ['search', 'redact', 'correct', 'verify-redaction']);
  assert.deepEqual(await run('--help'), all);
  assert.deepEqual(await run('help', 'serve'), all);
  assert.deepEqual(await run('serach'), all, 'an unknown word: every command, for the suggestion');
});
