// "Read also" on SQLite, in-process (as the web server calls it): 300 random messages of an archive,
// how many find related messages, median and p95 time, pages per second.
//   node bench/related.mjs <archive.sqlite>
import { SqliteStore } from '../dist/src/store/sqlite/sqliteStore.js';
const r = SqliteStore.open(process.argv[2], { readonly: true, audience: 'publisher' });
const max = r.stats ? (await r.stats()).messages : 100000;
let seed = 7;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const ids = Array.from({ length: 300 }, () => 1 + Math.floor(rnd() * max));
let found = 0;
const times = [];
for (const id of ids) {
  const t = performance.now();
  found += (await r.related(id, 10)).length > 0 ? 1 : 0;
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(
  `related: ${found}/${ids.length} messages find something; median ${times[150].toFixed(1)} ms, p95 ${times[285].toFixed(1)} ms, ${((1000 * ids.length) / times.reduce((a, b) => a + b)).toFixed(0)} pages/s`,
);
