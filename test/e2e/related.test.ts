import { after, describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { demoReader, STORES, stopSharedPostgres } from '../stores.js';
import type { ArchiveReader } from '../../src/store/archiveStore.js';
import { parseQuery } from '../../src/query/parseQuery.js';

/**
 * "Read also" finds same-topic messages outside the thread, on every store: in the demo each topic's
 * words are in ~6% of the messages, more than "rare" words may be, and every topic message once
 * found "(nothing similar)".
 */
after(stopSharedPostgres);
for (const store of STORES) {
  describe(`related messages on ${store.kind}`, { skip: store.skip }, () => {
    let reader: ArchiveReader;
    before(async () => {
      reader = (await demoReader(store.kind, 300)).reader;
    });
    after(async () => reader?.close());

    test('a topic message finds the messages of the same topic in other threads, first', async () => {
      for (const topic of ['Budget review, third quarter', 'Crane maintenance schedule', 'Facture contestée du remorqueur']) {
        const same = (await reader.search(parseQuery(`subject:"${topic}"`), { sort: 'date', limit: 1000 })).hits.map((h) => h.message);
        const message = same[0]!;
        const elsewhere = same.filter((m) => m.threadId !== message.threadId);
        assert.ok(elsewhere.length >= 3, `${topic}: ${elsewhere.length} messages in other threads`);
        const related = await reader.related(message.id, 10);
        assert.equal(related.length, Math.min(10, elsewhere.length), topic);
        for (const r of related) {
          assert.notEqual(r.threadId, message.threadId, `${topic}: #${r.id} is outside the thread`);
          assert.ok(r.subject?.includes(topic), `${topic}: #${r.id} "${r.subject}" is of the same topic`);
        }
      }
    });
  });
}
