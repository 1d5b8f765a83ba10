import type { Command } from 'commander';

/**
 * The commands defined outside main.ts, by the module that defines them, in the order the help
 * lists them. A run loads only the module of its own command (`epistola search` loads none of
 * them: ~25 ms of a 100 ms command at 100k messages, measured); `--help`, `help` or a word that
 * names no command loads them all. test/unit/commandModules.test.ts checks the names against what
 * each module registers.
 */
export const COMMAND_MODULES: ReadonlyArray<{ readonly commands: readonly string[]; readonly load: () => Promise<(program: Command) => void> }> = [
  { commands: ['verify', 'verify-file'], load: async () => (await import('./verifyCommands.js')).registerVerifyCommands },
  { commands: ['keys'], load: async () => (await import('./keysCommands.js')).registerKeysCommands },
  { commands: ['serve'], load: async () => (await import('./serveCommand.js')).registerServeCommand },
  { commands: ['release'], load: async () => (await import('./releaseCommands.js')).registerReleaseCommands },
  { commands: ['redact', 'correct', 'verify-redaction'], load: async () => (await import('./redactCommands.js')).registerRedactCommands },
  { commands: ['extract'], load: async () => (await import('./extractCommand.js')).registerExtractCommand },
  { commands: ['export', 'mirror'], load: async () => (await import('./publishCommands.js')).registerPublishCommands },
  { commands: ['migrate'], load: async () => (await import('./migrateCommand.js')).registerMigrateCommand },
];

/** The program's options that take a value: the word after them is not the command. */
const VALUE_OPTIONS = new Set(['--data', '--database']);

/** The command word of a command line (`node`, the script, then the arguments), or null. */
export function commandWord(argv: readonly string[]): string | null {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]!;
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return null;
}

/** Adds to `program` the modules this command line needs: none for a command main.ts defines, its own, or all. */
export async function registerCommandModules(program: Command, argv: readonly string[]): Promise<void> {
  const word = commandWord(argv);
  const inline = word !== null && program.commands.some((c) => c.name() === word);
  const own = COMMAND_MODULES.filter((m) => word !== null && m.commands.includes(word));
  const wanted = inline ? [] : own.length > 0 ? own : COMMAND_MODULES;
  for (const register of await Promise.all(wanted.map((m) => m.load()))) register(program);
}
