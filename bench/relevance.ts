import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SqliteStore } from '../src/store/sqlite/sqliteStore.js';
import { PostgresStore } from '../src/store/postgres/pgStore.js';
import type { ArchiveReader } from '../src/store/archiveStore.js';
import { parseQuery } from '../src/query/parseQuery.js';
import { suggestionFor } from '../src/search/suggestions.js';
import { foldWord } from '../src/text/words.js';
import { normaliseMessageId } from '../src/mail/messageId.js';

/**
 * Known-item relevance: for messages of a real list, a query made of a few distinctive words of that
 * message, and variants of it; where does each tool put the message? MRR@10 and success@10 for
 * Epistola (SQLite, and PostgreSQL when given), public-inbox (Xapian, by relevance: the ranked
 * peer), notmuch and mu (which show results by date). Every tool gets the same query text.
 *
 *   node dist/bench/relevance.js maildir <mboxrd.gz> <maildir>            writes the Maildir the tools index
 *   node dist/bench/relevance.js run <work dir> [postgres url]            (bench/relevance.sh does both)
 */

/** One message of a real list: its own text (quotes and patches left out) and Message-ID. */
interface Item {
  readonly messageId: string;
  readonly words: readonly string[];
}

const SAMPLE = 300;
const QUERY_WORDS = 3;

function messagesOf(mboxrd: Buffer): string[] {
  // mboxrd: a line ">From " (with any number of >) had one > added; messages start at "From ".
  return gunzipSync(mboxrd)
    .toString('latin1')
    .split(/\n(?=From )/)
    .map((m) => m.slice(m.indexOf('\n') + 1).replace(/^>(>*From )/gm, '$1'));
}

function writeMaildir(mbox: string, dir: string): void {
  mkdirSync(join(dir, 'cur'), { recursive: true });
  mkdirSync(join(dir, 'new'), { recursive: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  messagesOf(readFileSync(mbox)).forEach((m, i) => writeFileSync(join(dir, 'cur', `${String(i).padStart(6, '0')}.bench:2,S`), Buffer.from(m, 'latin1')));
}

/** The message's own words: its text outside quotes, patches and signatures, as plain words of 4+ letters. */
function ownWords(raw: string): string[] {
  const split = raw.indexOf('\n\n');
  const body = raw.slice(split + 2).split(/\n(?:diff --git |--- a\/|-- \n)/)[0]!;
  const text = body
    .split('\n')
    .filter((l) => !l.startsWith('>'))
    .join('\n');
  return (text.match(/\b[a-zA-Z]{4,}\b/g) ?? []).map((w) => foldWord(w));
}

function items(dir: string): Item[] {
  const files = spawnSync('ls', [join(dir, 'cur')], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n');
  const all = files.map((f) => {
    const raw = readFileSync(join(dir, 'cur', f), 'latin1');
    const header = raw.slice(0, raw.indexOf('\n\n'));
    const id = header.match(/^Message-ID:\s*(<[^>]+>)/im)?.[1];
    return { messageId: id ? normaliseMessageId(id) : null, words: ownWords(raw) };
  });
  const df = new Map<string, number>();
  for (const m of all) for (const w of new Set(m.words)) df.set(w, (df.get(w) ?? 0) + 1);
  // Every 1 in k messages with a Message-ID and enough words of its own: the same sample each run.
  const usable = all.filter((m): m is { messageId: string; words: string[] } => m.messageId !== null && new Set(m.words).size >= 20);
  const step = Math.max(1, Math.floor(usable.length / SAMPLE));
  return usable
    .filter((_, i) => i % step === 0)
    .slice(0, SAMPLE)
    .map((m) => {
      const tf = new Map<string, number>();
      for (const w of m.words) tf.set(w, (tf.get(w) ?? 0) + 1);
      // Distinctive (tf × idf) but not unique to the message: a word no other message has makes the task trivial.
      const best = [...tf]
        .filter(([w]) => (df.get(w) ?? 0) >= 2)
        .map(([w, n]) => ({ w, score: n * Math.log(all.length / df.get(w)!) }))
        .sort((a, b) => b.score - a.score || (a.w < b.w ? -1 : 1))
        .slice(0, QUERY_WORDS)
        .map((x) => x.w);
      return { messageId: m.messageId, words: best };
    })
    .filter((m) => m.words.length === QUERY_WORDS);
}

/** Another form of a word, as a person might type it: plural ↔ singular, -ing/-ed ↔ base. */
function otherForm(word: string): string {
  if (word.endsWith('ing') && word.length > 6) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length > 5) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return `${word}s`;
}

/** One letter swapped with the next: the usual typing slip. */
function misspelt(word: string): string {
  const i = Math.floor(word.length / 2);
  return word.slice(0, i - 1) + word[i] + word[i - 1] + word.slice(i + 1);
}

const VARIANTS: ReadonlyArray<readonly [string, (words: readonly string[]) => string]> = [
  ['distinctive words', (w) => w.join(' ')],
  ['one word in another form', (w) => [otherForm(w[0]!), ...w.slice(1)].join(' ')],
  ['one word misspelt', (w) => [misspelt(w[0]!), ...w.slice(1)].join(' ')],
];

type Tool = (queries: readonly string[]) => Promise<string[][]>;

/** Epistola's first page; with `followSuggestion`, the first page of its "did you mean" when the query finds nothing (one click for a reader). */
function epistola(reader: ArchiveReader, followSuggestion = false): Tool {
  return async (queries) => {
    const out: string[][] = [];
    for (const q of queries) {
      let result = await reader.search(parseQuery(q), { sort: 'relevance', limit: 10 });
      const suggestion = followSuggestion && result.total === 0 ? await suggestionFor(reader, q, parseQuery(q)) : null;
      if (suggestion) result = await reader.search(parseQuery(suggestion.query), { sort: 'relevance', limit: 10 });
      out.push(result.hits.map((h) => h.message.messageId ?? ''));
    }
    return out;
  };
}

function lines(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, input?: string): string[] {
  const run = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, input, maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0 && run.status !== 4) throw new Error(`${command} ${args.join(' ')}: ${run.stderr}`);
  return run.stdout.split('\n').filter(Boolean);
}

function notmuch(config: string): Tool {
  return async (queries) =>
    queries.map((q) => lines('notmuch', ['search', '--output=messages', '--limit=10', q], { NOTMUCH_CONFIG: config }).map((l) => l.replace(/^id:/, '')));
}

function mu(home: string): Tool {
  // mu exits 4 when nothing matches.
  return async (queries) => queries.map((q) => lines('mu', ['find', `--muhome=${home}`, '--fields=i', '--maxnum=10', '--sortfield=date', '--reverse', q]));
}

function publicInbox(inbox: string, script: string): Tool {
  return async (queries) => {
    // One line per query, empty when nothing is found: the lines are kept as they are, in order.
    const run = spawnSync('perl', [script, 'search', inbox], { encoding: 'utf8', input: `${queries.join('\n')}\n`, maxBuffer: 64 * 1024 * 1024 });
    if (run.status !== 0) throw new Error(`public-inbox search: ${run.stderr}`);
    const out = run.stdout.split('\n');
    return queries.map((_, i) => (out[i] ?? '').split('\t').filter(Boolean));
  };
}

function score(found: readonly string[][], wanted: readonly string[]) {
  let reciprocal = 0;
  let success = 0;
  found.forEach((ids, i) => {
    const rank = ids.indexOf(wanted[i]!);
    if (rank >= 0) {
      reciprocal += 1 / (rank + 1);
      success++;
    }
  });
  return { mrr: reciprocal / wanted.length, success: success / wanted.length };
}

async function run(work: string, postgresUrl: string | undefined): Promise<void> {
  const sample = items(join(work, 'maildir'));
  const wanted = sample.map((s) => s.messageId);
  const readers: ArchiveReader[] = [SqliteStore.open(join(work, 'epistola', 'archive.sqlite'), { readonly: true })];
  const tools: Array<[string, Tool]> = [
    ['Epistola (SQLite)', epistola(readers[0]!)],
    ['Epistola (SQLite), following its “did you mean”', epistola(readers[0]!, true)],
  ];
  if (postgresUrl) {
    readers.push(await PostgresStore.open(postgresUrl, { readonly: true }));
    tools.push(['Epistola (PostgreSQL)', epistola(readers[1]!)]);
  }
  tools.push(
    ['public-inbox (Xapian, by relevance)', publicInbox(join(work, 'public-inbox'), join(process.cwd(), 'bench', 'publicInbox.pl'))],
    ['notmuch (by date)', notmuch(join(work, 'notmuch.conf'))],
    ['mu (by date)', mu(join(work, 'mu'))],
  );
  console.log(`${sample.length} known items from ${join(work, 'maildir')}; ${QUERY_WORDS} distinctive words each (e.g. "${sample[0]?.words.join(' ')}")`);
  console.log(`| tool | ${VARIANTS.map(([name]) => `${name}: MRR@10 / success@10`).join(' | ')} |`);
  console.log(`|---|${VARIANTS.map(() => '---').join('|')}|`);
  for (const [name, tool] of tools) {
    const cells: string[] = [];
    for (const [, make] of VARIANTS) {
      const { mrr, success } = score(await tool(sample.map((s) => make(s.words))), wanted);
      cells.push(`${mrr.toFixed(3)} / ${(success * 100).toFixed(1)}%`);
    }
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
  for (const r of readers) await r.close();
}

const [command, a, b] = process.argv.slice(2);
if (command === 'maildir' && a && b) writeMaildir(a, b);
else if (command === 'run' && a) await run(a, b);
else throw new Error('usage: relevance.js maildir <mboxrd.gz> <maildir> | run <work dir> [postgres url]');
