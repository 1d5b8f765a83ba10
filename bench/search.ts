/**
 * Search benchmark: a fixed list of queries of different kinds, run on the same collection by
 * Epistola (in-process, as the web server runs it: search + facets), `notmuch search`/`notmuch count`
 * and `mu find` (their CLIs, process start included). Prints p50/p95/p99 per tool and whether the
 * result counts agree. Run through bench/search.sh, which prepares the three indexes.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite/sqliteStore.js';
import { percentile, QUERIES, timeQuery } from './searchQueries.js';

const RUNS = Number(process.env.RUNS ?? 30);
const PEER_RUNS = Number(process.env.PEER_RUNS ?? 5);

function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv): { ms: number; stdout: string; ok: boolean } {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, stdout: result.stdout ?? '', ok: result.status === 0 || result.status === 4 };
}

async function main(): Promise<void> {
  const [data, notmuchConfig, muHome] = process.argv.slice(2);
  if (!data || !notmuchConfig || !muHome) throw new Error('usage: node dist/bench/search.js <epistola-data> <notmuch-config> <muhome>');
  const store = SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true });
  await store.prepareSearch(); // as `serve` does before it listens: the first query does not pay for it
  const all: Record<'epistola' | 'notmuch' | 'mu', number[]> = { epistola: [], notmuch: [], mu: [] };
  const rows: string[] = [];
  for (const q of QUERIES) {
    const { times, total } = await timeQuery(store, q, RUNS);
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
    console.log(
      `| ${tool} | ${percentile(values, 50).toFixed(1)} | ${percentile(values, 95).toFixed(1)} | ${percentile(values, 99).toFixed(1)} | ${values.length} |`,
    );
  }
}

await main();
