import type { Command } from 'commander';
import { RefusedError, UsageError } from '../errors.js';
import type { RedactRequestTarget } from '../redact/applyRedaction.js';
import { describeOutcome, runRedaction } from './redactAction.js';
import type { Revelation } from '../redact/commitment.js';
import { databaseOf, dataDirOf, parseId, print, readUserFile, withReader, withWriter } from './context.js';
import { requireDataDir } from '../config/dataDir.js';

/**
 * `epistola redact`: take spans, headers, parts or attachments out of a message, each replaced by a
 * marker holding a commitment; `--suggest` finds candidates, `--list` shows what was redacted,
 * `--reveal` prints what a third party needs to check one span, `--undo` puts the original back.
 * A redaction of a published message is also a signed entry of the amendment log.
 * `epistola verify-redaction` checks a revealed span.
 */

interface RedactOptions {
  text?: string[];
  regex?: string[];
  header?: string[];
  attachment?: string[];
  part?: string[];
  reason?: string;
  dryRun?: boolean;
  list?: boolean;
  suggest?: boolean;
  reveal?: boolean;
  undo?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function targetsOf(options: RedactOptions): RedactRequestTarget[] {
  const number = (flag: string) => (text: string) => {
    if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${flag} takes a number from 1, not "${text}"`);
    return Number(text);
  };
  return [
    ...(options.text ?? []).map((text) => ({ kind: 'text' as const, text })),
    ...(options.regex ?? []).map((pattern) => {
      try {
        new RegExp(pattern, 'u');
      } catch (error) {
        throw new UsageError(`--regex ${pattern}: ${(error as Error).message}`);
      }
      return { kind: 'regex' as const, pattern };
    }),
    ...(options.header ?? []).map((name) => {
      if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) throw new UsageError(`--header takes a header field name, not "${name}"`);
      return { kind: 'header' as const, name };
    }),
    ...(options.attachment ?? []).map(number('--attachment')).map((index) => ({ kind: 'attachment' as const, index })),
    ...(options.part ?? []).map(number('--part')).map((n) => ({ kind: 'part' as const, number: n, label: `part ${n}` })),
  ];
}

export function registerRedactCommands(program: Command): void {
  program
    .command('redact')
    .description('take private data out of a message: each span becomes a marker with a commitment; the original stays private')
    .argument('[id]', 'the message number')
    .argument('[span]', 'with --reveal: the span number')
    .option('--text <text>', 'a text to take out wherever it occurs (case-insensitive; repeatable)', collect)
    .option('--regex <pattern>', 'a JavaScript regular expression to take out (repeatable)', collect)
    .option('--header <name>', 'a header field to take out whole (repeatable)', collect)
    .option('--attachment <n>', 'an attachment (its number on the message page) to withhold (repeatable)', collect)
    .option('--part <n>', 'a MIME part (its number in --dry-run output) to withhold (repeatable)', collect)
    .option('--reason <text>', 'why (shown publicly with each span)')
    .option('--dry-run', 'show what would be taken out; change nothing')
    .option('--list', 'list the redacted messages')
    .option('--suggest', 'find candidates (addresses of outsiders, phone numbers, IBAN, card and id numbers) in the given messages or all')
    .option('--reveal', 'print what a third party needs to check span <span> of message <id> (salt and removed bytes): private!')
    .option('--undo', 'put the original message back (an amendment if it is public)')
    .option('--json', 'print as JSON')
    .action(async (id: string | undefined, span: string | undefined, options: RedactOptions, command: Command) => {
      if (options.list) return listRedactions(command, options);
      if (options.suggest) return suggest(command, [id, span, ...command.args.slice(2)].filter((x): x is string => x !== undefined).map(parseId), options);
      if (id === undefined) throw new UsageError('which message? epistola redact <id> --text "…" --reason "…" (or --list, --suggest)');
      const messageId = parseId(id);
      if (options.reveal) return reveal(command, messageId, span, options);
      const reason = options.reason?.trim();
      if (!reason && !options.dryRun) throw new UsageError('--reason must say why (it is shown with each span)');
      if (!options.undo && targetsOf(options).length === 0) throw new UsageError('say what to take out: --text, --regex, --header, --attachment or --part');
      const dir = dataDirOf(command);
      const result = await runRedaction(dir, databaseOf(command, dir, await requireDataDir(dir)), {
        id: messageId,
        targets: targetsOf(options),
        reason: reason ?? '',
        dryRun: options.dryRun,
        undo: options.undo,
      });
      const amendment = result.amendment
        ? `\nThe message is public: amendment ${result.amendment.entry.seq} (signed) records it. Export again so mirrors follow.`
        : '';
      if (options.json) {
        const o = result.outcome;
        const spans = o?.spans.map(({ span: n, where, by, commitment }) => ({ span: n, where, by, commitment }));
        print(
          JSON.stringify(
            { ...(o ? { ...o, spans } : { id: messageId, restored: result.restoredSha256 }), amendment: result.amendment?.entry ?? null },
            null,
            2,
          ),
        );
      } else print(result.outcome ? describeOutcome(result.outcome).join('\n') + amendment : `Message ${messageId} is as received again.${amendment}`);
    });

  program
    .command('correct')
    .description("replace a message's published bytes with a corrected rendering (the received bytes stay private; an amendment if it is public)")
    .argument('<id>', 'the message number')
    .requiredOption('--file <eml>', 'the corrected message (RFC 822 bytes)')
    .requiredOption('--reason <text>', 'what was wrong (shown publicly)')
    .option('--json', 'print as JSON')
    .action(async (id: string, options: { file: string; reason: string; json?: boolean }, command: Command) => {
      const messageId = parseId(id);
      if (!options.reason.trim()) throw new UsageError('--reason must say what was wrong');
      const raw = await readUserFile(options.file);
      const dir = dataDirOf(command);
      const result = await runRedaction(dir, databaseOf(command, dir, await requireDataDir(dir)), {
        id: messageId,
        targets: [],
        reason: options.reason.trim(),
        correctWith: raw,
      });
      print(
        options.json
          ? JSON.stringify({ id: messageId, sha256: result.restoredSha256, amendment: result.amendment?.entry ?? null }, null, 2)
          : `Message ${messageId} now shows the corrected bytes (sha256 ${result.restoredSha256}).${result.amendment ? ` Amendment ${result.amendment.entry.seq} (signed) records it.` : ''} "redact ${messageId} --undo" shows the received bytes again.`,
      );
    });

  program
    .command('verify-redaction')
    .description('check a revealed redaction (from "epistola redact --reveal"): the removed bytes and salt match the commitment')
    .argument('<file>', 'the revelation (JSON), or - for standard input')
    .option('--message <file>', 'also check that this published message (e.g. /emails/<id>/raw) carries the commitment')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: { message?: string; json?: boolean }) => {
      const { checkRevelation, markersIn } = await import('../redact/commitment.js');
      const text = (file === '-' ? await readStdin() : await readUserFile(file)).toString('utf8');
      let revelation: Revelation;
      try {
        revelation = JSON.parse(text) as Revelation;
      } catch {
        throw new UsageError(`${file} is not JSON: expected the output of "epistola redact --reveal"`);
      }
      if (revelation.format !== 'epistola-redaction-reveal/1') throw new UsageError(`${file} is not a revelation from "epistola redact --reveal"`);
      const { ok, computed } = checkRevelation(revelation);
      let inMessage: boolean | null = null;
      if (options.message) {
        const { decodedText } = await import('../redact/redactMime.js');
        inMessage = markersIn(await decodedText(await readUserFile(options.message))).some((m) => m.commitment === revelation.commitment);
      }
      const verified = ok && inMessage !== false;
      print(
        options.json
          ? JSON.stringify({ verified, commitmentMatches: ok, computed, inMessage })
          : [
              ok
                ? `The commitment matches: span ${revelation.span} of message ${revelation.message} (${revelation.where}) removed exactly ${Buffer.from(revelation.removed, 'base64').length} bytes${revelation.text !== null ? `: ${JSON.stringify(revelation.text)}` : ''}.`
                : `The commitment does NOT match: sha256(salt ‖ removed) is ${computed}, not ${revelation.commitment}.`,
              ...(inMessage === null ? [] : [inMessage ? 'The message carries this commitment.' : 'The message does NOT carry this commitment.']),
            ].join('\n'),
      );
      if (!verified) process.exitCode = 1;
    });
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listRedactions(command: Command, options: RedactOptions): Promise<void> {
  await withWriter(command, async (store) => {
    const list = await store.redactions();
    if (options.json) return print(JSON.stringify(list, null, 2));
    if (list.length === 0) return print('No message is redacted.');
    for (const r of list) print(`${String(r.message).padStart(7)}  ${r.spans} span${r.spans === 1 ? '' : 's'}  ${r.redactedAt}  ${r.reasons.join('; ')}`);
  });
}

async function reveal(command: Command, id: number, span: string | undefined, options: RedactOptions): Promise<void> {
  if (span === undefined || !/^\d+$/.test(span)) throw new UsageError('which span? epistola redact --reveal <id> <span>');
  await withWriter(command, async (store) => {
    const record = await store.redaction(id);
    const found = record?.spans.find((s) => s.span === Number(span));
    if (!found) throw new RefusedError(`message ${id} has no redacted span ${span}`);
    const removed = Buffer.from(found.removed, 'base64');
    const text = new TextDecoder('utf-8', { fatal: false }).decode(removed);
    const revelation: Revelation = {
      format: 'epistola-redaction-reveal/1',
      message: id,
      span: found.span,
      where: found.where,
      commitment: found.commitment,
      salt: found.salt,
      removed: found.removed,
      text: text.includes('\uFFFD') ? null : text,
    };
    print(JSON.stringify(revelation, null, options.json ? 0 : 2));
  });
}

async function suggest(command: Command, ids: number[], options: RedactOptions): Promise<void> {
  const { SuggestionTally } = await import('../redact/suggest.js');
  await withReader(command, async (store) => {
    const own = new Set((await store.keyUses()).map((u) => u.name.replace(/^.*?\._domainkey\./, '').toLowerCase()));
    const tally = new SuggestionTally();
    const scan = async (list: readonly number[]) => {
      for (const id of list) {
        const m = await store.getMessage(id);
        if (!m) continue;
        const people = [m.from, ...m.to, ...m.cc, ...m.bcc, ...m.replyTo].flatMap((a) => (a ? [`${a.name} <${a.address}>`] : []));
        tally.add(id, [m.subject ?? '', people.join(', '), m.text ?? ''].join('\n'), own);
      }
    };
    if (ids.length > 0) await scan(ids);
    else
      for (
        let after = 0, refs = await store.rawRefs({ afterId: 0, limit: 500 });
        refs.length > 0;
        after = refs.at(-1)!.id, refs = await store.rawRefs({ afterId: after, limit: 500 })
      )
        await scan(refs.map((r) => r.id));
    const result = tally.result();
    if (options.json) return print(JSON.stringify(result, null, 2));
    if (result.length === 0) return print('No candidates found.');
    for (const s of result.slice(0, 200)) {
      print(
        `${s.kind.padEnd(8)} ${s.value.padEnd(40)} ${String(s.messages.length).padStart(5)} message${s.messages.length === 1 ? ' ' : 's'}  ${s.messages.slice(0, 8).join(', ')}${s.messages.length > 8 ? ', …' : ''}`,
      );
    }
    if (result.length > 200) print(`… and ${result.length - 200} more (--json lists them all)`);
  });
}
