/**
 * Search benchmark: a fixed list of queries of different kinds, run on the same collection by
 * Epistola (in-process, as the web server runs it: search + facets), `notmuch search`/`notmuch count`
 * and `mu find` (their CLIs, process start included). Prints p50/p95/p99 per tool and whether the
 * result counts agree. Run through bench/search.sh, which prepares the three indexes.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite/sqliteStore.js';
import { parseQuery } from '../src/query/parseQuery.js';

interface BenchQuery {
  readonly kind: string;
  readonly epistola: string;
  readonly notmuch: string;
  readonly mu: string;
}

const QUERIES: readonly BenchQuery[] = [
  { kind: 'rare word', epistola: 'interprete', notmuch: 'interprète', mu: 'interprète' },
  { kind: 'common word', epistola: 'budget', notmuch: 'budget', mu: 'budget' },
  { kind: 'very common word', epistola: 'the', notmuch: 'the', mu: 'the' },
  { kind: 'two words', epistola: 'crane maintenance', notmuch: 'crane and maintenance', mu: 'crane AND maintenance' },
  { kind: 'phrase', epistola: '"north basin"', notmuch: '"north basin"', mu: '"north basin"' },
  { kind: 'OR', epistola: 'ferry OR tug', notmuch: 'ferry or tug', mu: 'ferry OR tug' },
  { kind: 'negation', epistola: 'budget -dredging', notmuch: 'budget and not dredging', mu: 'budget AND NOT dredging' },
  { kind: 'prefix', epistola: 'dredg*', notmuch: 'dredg*', mu: 'dredg*' },
  { kind: 'subject word', epistola: 'subject:strike', notmuch: 'subject:strike', mu: 'subject:strike' },
  { kind: 'subject phrase', epistola: 'subject:"budget review"', notmuch: 'subject:"budget review"', mu: 'subject:"budget review"' },
  { kind: 'from: address', epistola: 'from:jweiss@dredging-partners.example.com', notmuch: 'from:jweiss@dredging-partners.example.com', mu: 'from:jweiss@dredging-partners.example.com' },
  { kind: 'from: domain + year', epistola: 'from:@dredging-partners.example.com after:2015 before:2016', notmuch: 'from:dredging-partners.example.com and date:2015-01-01..2015-12-31', mu: 'from:dredging-partners.example.com AND date:20150101..20151231' },
  { kind: 'to: address', epistola: 'to:zoe.martin@meridian-port.example.org', notmuch: 'to:zoe.martin@meridian-port.example.org', mu: 'to:zoe.martin@meridian-port.example.org' },
  { kind: 'date range', epistola: 'after:2015-03 before:2015-04', notmuch: 'date:2015-03-01..2015-03-31', mu: 'date:20150301..20150331' },
  { kind: 'has:attachment', epistola: 'has:attachment', notmuch: 'tag:attachment', mu: 'flag:attach' },
  { kind: 'filetype', epistola: 'filetype:pdf', notmuch: 'mimetype:application/pdf', mu: 'mime:application/pdf' },
  { kind: 'attachment + word', epistola: 'has:attachment budget', notmuch: 'tag:attachment and budget', mu: 'flag:attach AND budget' },
  { kind: 'folder', epistola: 'folder:Sent', notmuch: 'folder:.Sent', mu: 'maildir:/.Sent' },
  { kind: 'folder + word', epistola: 'folder:Press harbour', notmuch: 'folder:.Press and harbour', mu: 'maildir:/.Press AND harbour' },
  { kind: 'accented (folded)', epistola: 'équatorien', notmuch: 'équatorien', mu: 'équatorien' },
  { kind: 'French words', epistola: 'délai supplémentaire', notmuch: 'délai and supplémentaire', mu: 'délai AND supplémentaire' },
  { kind: 'word, date order', epistola: 'remorqueur', notmuch: 'remorqueur', mu: 'remorqueur' },
];

const RUNS = Number(process.env.RUNS ?? 30);
const PEER_RUNS = Number(process.env.PEER_RUNS ?? 5);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv): { ms: number; stdout: string; ok: boolean } {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, stdout: result.stdout ?? '', ok: result.status === 0 || result.status === 4 };
}

async function main(): Promise<void> {
  const [data, notmuchConfig, muHome] = process.argv.slice(2);
  if (!data || !notmuchConfig || !muHome) throw new Error('usage: node dist/bench/search.js <epistola-data> <notmuch-config> <muhome>');
  const store = SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true });
  const all: Record<'epistola' | 'notmuch' | 'mu', number[]> = { epistola: [], notmuch: [], mu: [] };
  const rows: string[] = [];
  for (const q of QUERIES) {
    const ast = parseQuery(q.epistola);
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      const result = await store.search(ast, { sort: q.kind.includes('date order') ? 'date' : 'relevance', limit: 20, facets: true });
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      total = result.total;
    }
    all.epistola.push(...times);
    const env = { NOTMUCH_CONFIG: notmuchConfig };
    const nmCount = Number(timeCommand('notmuch', ['count', q.notmuch], env).stdout.trim());
    const nmTimes = Array.from({ length: PEER_RUNS }, () => timeCommand('notmuch', ['search', '--limit=20', '--output=threads', q.notmuch], env).ms);
    all.notmuch.push(...nmTimes);
    const muAll = timeCommand('mu', ['find', `--muhome=${muHome}`, '--fields=l', '--skip-dups', q.mu], {});
    const muCount = muAll.stdout.trim() === '' ? 0 : muAll.stdout.trim().split('\n').length;
    const muTimes = Array.from({ length: PEER_RUNS }, () => timeCommand('mu', ['find', `--muhome=${muHome}`, '--maxnum=20', '--fields=l', q.mu], {}).ms);
    all.mu.push(...muTimes);
    const agree = (n: number) => (n === total ? '=' : `${n}`);
    rows.push(
      `| ${q.kind} | \`${q.epistola}\` | ${total} | ${agree(nmCount)} | ${agree(muCount)} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 95).toFixed(1)} | ${percentile(nmTimes, 50).toFixed(1)} | ${percentile(muTimes, 50).toFixed(1)} |`,
    );
  }
  await store.close();
  console.log('| kind | epistola query | epistola count | notmuch count | mu count | epistola p50 ms | epistola p95 ms | notmuch p50 ms | mu p50 ms |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log('\n| tool | p50 ms | p95 ms | p99 ms | runs |');
  console.log('|---|---|---|---|---|');
  for (const [tool, values] of Object.entries(all)) {
    console.log(`| ${tool} | ${percentile(values, 50).toFixed(1)} | ${percentile(values, 95).toFixed(1)} | ${percentile(values, 99).toFixed(1)} | ${values.length} |`);
  }
}

await main();
