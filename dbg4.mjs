import { SqliteStore } from '/work/main/dist/src/store/sqlite/sqliteStore.js';
import { parseQuery } from '/work/main/dist/src/query/parseQuery.js';
import fs from 'node:fs';
const store = SqliteStore.open('/tmp/bench100k/search-epistola/archive.sqlite', { readonly: true });
const ast = parseQuery('the');
await store.search(ast, { sort: 'relevance', limit: 20, facets: true });
if (process.argv[2] === 'junk') fs.writeFileSync('/tmp/junk.bin', Buffer.alloc(470e6, 7));
const t = [];
for (let i = 0; i < 60; i++) { const s = performance.now(); await store.search(ast, { sort: 'relevance', limit: 20, facets: true }); t.push(performance.now() - s); }
t.sort((a, b) => a - b); console.log(process.argv[2], t[30].toFixed(1));
if (process.argv[2] === 'junk') fs.unlinkSync('/tmp/junk.bin');
store.close();
