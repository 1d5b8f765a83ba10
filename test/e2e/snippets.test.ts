import { after, describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { QUERIES } from '../conformanceQueries.js';
import { demoReader, STORES, stopSharedPostgres } from '../stores.js';
import { BlobStore } from '../../src/store/blobStore.js';
import type { Address } from '../../src/mail/messageFields.js';
import type { ArchiveReader, SearchHit, SearchSort, StoredMessage } from '../../src/store/archiveStore.js';
import { parseQuery } from '../../src/query/parseQuery.js';
import { parseMessage } from '../../src/parse/parseMessage.js';

/**
 * A snippet is printed under a hit as a quote of that message: every piece of it (the marked words
 * and the text around them) must be found in that message's own text. On SQLite every hit once
 * showed the first hit's snippet, and no test looked.
 */
const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ');

const people = (list: readonly (Address | null)[]) => list.map((a) => (a ? `${a.name ?? ''} ${a.address}` : '')).join(' ');

/**
 * Every text of the message a snippet can quote: each field on its own (SQLite quotes one column),
 * and body, subject and addresses run together as PostgreSQL's ts_headline reads them.
 */
function ownTexts(m: StoredMessage, raw: Buffer, embedded: string): string[] {
  const files = m.attachments.map((a) => [a.filename, a.embeddedSubject].filter(Boolean).join(' ')).join(' ');
  const addresses = [people([m.from, m.sender ?? null]), people(m.to), people(m.cc), files];
  const document = [m.text ?? '', m.subject ?? '', embedded, addresses.join(' ').replace(/[@._\-/+=:]/g, ' ')].join(' ');
  return [m.subject ?? '', ...addresses, people(m.bcc), m.text ?? '', embedded, raw.toString('utf8'), document].map(fold);
}

function checkHit(query: string, hit: SearchHit, texts: readonly string[]): void {
  const whole = hit.snippet.map((p) => p.text).join('');
  // The pieces between "…" each come from one place of the message.
  for (const piece of whole
    .split('…')
    .map((p) => fold(p).trim())
    .filter((p) => p.length > 0)) {
    assert.ok(
      texts.some((t) => t.includes(piece)),
      `${query}: the snippet of #${hit.message.id} quotes "${piece}", which that message does not contain`,
    );
  }
  for (const part of hit.snippet.filter((p) => p.hit)) {
    assert.ok(
      texts.some((t) => t.includes(fold(part.text).trim())),
      `${query}: #${hit.message.id} marks "${part.text}", which it does not contain`,
    );
  }
}

after(stopSharedPostgres);
for (const store of STORES) {
  describe(`snippets on ${store.kind}`, { skip: store.skip }, () => {
    let reader: ArchiveReader;
    let blobs: BlobStore;
    before(async () => {
      const demo = await demoReader(store.kind, 300);
      reader = demo.reader;
      blobs = new BlobStore(demo.data);
    });
    after(async () => reader?.close());

    test('every hit of every query quotes its own message, on every page and in both orders', async () => {
      const texts = new Map<number, string[]>();
      const textsOf = async (id: number) => {
        let found = texts.get(id);
        if (!found) {
          const message = await reader.getMessage(id);
          assert.ok(message, `hit #${id} can be read`);
          const raw = await blobs.read(message.sha256);
          // The text of attached messages is indexed too (the store keeps it for search only), and
          // the text read from attached documents, quoted as "in <file>[, page n]: …".
          const documents: string[] = [];
          for (const a of message.attachments) {
            const pages = (await reader.attachmentText(a.sha256))?.text.split('\f') ?? [];
            pages.forEach((page, i) =>
              documents.push(fold(`in ${a.filename ?? `attachment ${a.index}`}${pages.length > 1 ? `, page ${i + 1}` : ''}: ${page}`)),
            );
          }
          texts.set(id, (found = [...ownTexts(message, raw, (await parseMessage(raw)).embeddedText), ...documents]));
        }
        return found;
      };
      let checked = 0;
      let differing = 0;
      for (const query of [...QUERIES, 'dredging', 'budget OR dredging', 'harbour', 'quay*']) {
        const ast = parseQuery(query);
        for (const [sort, limit] of [
          ['relevance', 1000],
          ['relevance', 7],
          ['date', 25],
        ] as Array<[SearchSort, number]>) {
          let cursor: string | null = null;
          let pages = 0;
          do {
            const result = await reader.search(ast, { sort, limit, cursor });
            const seen = new Set<string>();
            for (const hit of result.hits) {
              checkHit(query, hit, await textsOf(hit.message.id));
              seen.add(hit.snippet.map((p) => p.text).join(''));
              checked++;
            }
            if (seen.size > 1) differing++;
            cursor = result.nextCursor;
          } while (cursor && ++pages < 4);
        }
      }
      assert.ok(checked > 5000, `${checked} hits checked`);
      // Different messages quote different lines: a store printing one snippet under every hit fails here.
      assert.ok(differing > QUERIES.length, `${differing} pages with more than one distinct snippet`);
    });
  });
}
