import { after, describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { demoReader, STORES, stopSharedPostgres } from '../stores.js';
import { BlobStore } from '../../src/store/blobStore.js';
import { buildServer } from '../../src/serve/server.js';
import type { ArchiveReader, SearchResult } from '../../src/store/archiveStore.js';
import { parseQuery } from '../../src/query/parseQuery.js';

/**
 * Whole facets: a cut list says how many values it has and links to the page of all of them; that
 * page and `facets=all` list every value, with the counts a narrowed search finds; months read as a
 * continuous range, empty months included.
 */
after(stopSharedPostgres);
for (const store of STORES) {
  describe(`whole facets on ${store.kind}`, { skip: store.skip }, () => {
    let reader: ArchiveReader;
    let app: FastifyInstance;
    before(async () => {
      const demo = await demoReader(store.kind, 300);
      reader = demo.reader;
      app = await buildServer({ store: reader, blobs: new BlobStore(demo.data), blobRoot: join(demo.data, 'blobs'), collection: 'Facets' });
    });
    after(async () => {
      await app?.close();
      await reader?.close();
    });

    test('a cut facet says how many values it has; facets=all and the facet page list every one, each count right', async () => {
      const cut = await reader.search(parseQuery('NOT zzzz'), { sort: 'date', limit: 1, facets: true });
      const all = await reader.search(parseQuery('NOT zzzz'), { sort: 'date', limit: 1, facets: 'all' });
      assert.equal(cut.facets!.recipients.length, 10);
      assert.ok(cut.facets!.distinct.recipients > 10, `${cut.facets!.distinct.recipients} recipients`);
      assert.equal(all.facets!.recipients.length, cut.facets!.distinct.recipients);
      assert.deepEqual(all.facets!.recipients.slice(0, 10), cut.facets!.recipients);
      // Each value's count is what the narrowed search finds.
      for (const { value, count } of all.facets!.recipients.slice(-3)) {
        assert.equal((await reader.search(parseQuery(`to:${value} OR cc:${value}`), { sort: 'date', limit: 1 })).total, count, value);
      }

      const api = (await app.inject({ url: '/api/search?q=NOT+zzzz&facets=all' })).json() as SearchResult;
      assert.equal(api.facets!.recipients.length, cut.facets!.distinct.recipients);

      const search = await app.inject({ url: '/search?q=NOT+zzzz' });
      assert.equal(search.statusCode, 200);
      assert.match(search.body, /href="\/search\/facet\?q=NOT%20zzzz&amp;sort=relevance&amp;facet=recipients"/);
      const page = await app.inject({ url: '/search/facet?q=NOT+zzzz&facet=recipients' });
      assert.equal(page.statusCode, 200);
      for (const { value } of all.facets!.recipients) assert.ok(page.body.includes(`>${value}</a>`), value);
      assert.equal((await app.inject({ url: '/search/facet?q=NOT+zzzz&facet=nonsense' })).statusCode, 400);
      assert.equal((await app.inject({ url: '/search/facet?q=NOT+zzzz' })).statusCode, 400);
    });

    test('months are a continuous range: every month from the first to the last, empty ones at 0', async () => {
      // Two months apart: the month between has no message of the result.
      const months = (await reader.search(parseQuery('after:2014-01 before:2014-02 OR after:2014-03 before:2014-04'), { sort: 'date', limit: 1, facets: true }))
        .facets!.months;
      assert.deepEqual(
        months.map((m) => m.value),
        ['2014-01', '2014-03'],
      );
      const body = (await app.inject({ url: `/search?q=${encodeURIComponent('after:2014-01 before:2014-02 OR after:2014-03 before:2014-04')}` })).body;
      const listed = [...body.matchAll(/<li>(?:<a [^>]*>)?(\d{4}-\d{2})(?:<\/a>)? \(([\d,  ]+)\)<\/li>/g)].map((m) => `${m[1]} ${m[2]}`);
      assert.deepEqual(listed, [`2014-01 ${months[0]!.count}`, '2014-02 0', `2014-03 ${months[1]!.count}`]);
    });
  });
}
