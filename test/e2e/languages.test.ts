import { after, describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SearchResult } from '../../src/store/archiveStore.js';
import { cliJson, runCli, tempDir } from '../helpers.js';
import { STORES, stopSharedPostgres, storeArgs } from '../stores.js';
import { eml, MAIL } from '../multilingualMail.js';

/**
 * Search in every language, on every store: words of Chinese and Japanese found inside the runs they
 * are written in, French and English word forms, exact matches first, `"quoted"` exact, a language
 * per message (`lang:` and its facet), snippets marking the word as the message writes it.
 */
after(stopSharedPostgres);
for (const store of STORES) {
  describe(`search in every language on ${store.kind}`, { skip: store.skip }, () => {
    let data: string[];
    const ids = new Map<number, number>();
    const search = (query: string) => cliJson<SearchResult>([...data, 'search', query, '--json', '--facets']);
    const found = async (query: string) => (await search(query)).hits.map((h) => ids.get(h.message.id)!);

    before(async () => {
      const root = tempDir();
      mkdirSync(join(root, 'mail'));
      MAIL.forEach((m, i) => writeFileSync(join(root, 'mail', `${i + 1}.eml`), eml(i, m)));
      data = ['--data', join(root, 'data'), ...(await storeArgs(store.kind))];
      const ingested = await runCli([...data, 'ingest', join(root, 'mail')]);
      assert.equal(ingested.code, 0, ingested.stderr);
      // Archive numbers → the numbers above (by Message-ID).
      for (const hit of (await search('NOT zzzz')).hits) ids.set(hit.message.id, Number(hit.message.messageId!.match(/lang(\d+)/)![1]) + 1);
      assert.equal(ids.size, MAIL.length);
    });

    test('Chinese and Japanese words are found inside the runs they are written in', async () => {
      assert.deepEqual(await found('港口'), [4]);
      assert.deepEqual(await found('经济'), [4]);
      assert.deepEqual(await found('港口报告'), [4]);
      assert.deepEqual(await found('subject:港口'), [4]);
      assert.deepEqual(await found('会議'), [5]);
      assert.deepEqual(await found('東京'), [5]);
      assert.deepEqual(await found('"東京会議"'), [5]);
      assert.deepEqual(await found('大阪'), []);
    });

    test('word forms: stems in the message’s language, the exact word first, "quoted" exact', async () => {
      assert.deepEqual((await found('run')).sort(), [1, 2]);
      // "run" itself (2) ranks above "running" (1).
      assert.deepEqual(await found('run'), [2, 1]);
      assert.deepEqual(await found('"run"'), [2]);
      assert.deepEqual(await found('economique'), [3]);
      assert.deepEqual(await found('reforme'), [3]);
      assert.deepEqual(await found('body:economiques'), [3]);
      assert.deepEqual(await found('economic'), [6]);
      assert.deepEqual(await found('quay -running'), []);
      // A French form of an English word finds French messages only: `economic` is "économiques" in French.
      assert.deepEqual(await found('lang:en economique'), []);
      assert.deepEqual(await found('runn*'), [1]);
    });

    test('each message has a language: lang: and its facet', async () => {
      assert.deepEqual((await found('lang:en')).sort(), [1, 2, 6]);
      assert.deepEqual(await found('lang:fr'), [3]);
      assert.deepEqual(await found('lang:zh'), [4]);
      assert.deepEqual(await found('language:ja'), [5]);
      assert.deepEqual(await found('lang:fr economique'), [3]);
      assert.deepEqual(await found('lang:en economique'), []);
      const facets = (await search('NOT zzzz')).facets!;
      assert.deepEqual(
        [...facets.languages].sort((a, b) => a.value.localeCompare(b.value)),
        [
          { value: 'en', count: 3 },
          { value: 'fr', count: 1 },
          { value: 'ja', count: 1 },
          { value: 'zh', count: 1 },
        ],
      );
      const bad = await runCli([...data, 'search', 'lang:french']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /two-letter language code/);
    });

    test('snippets mark the word as the message writes it', async () => {
      const marked = async (query: string) =>
        (await search(query)).hits.map((h) =>
          h.snippet
            .filter((p) => p.hit)
            .map((p) => p.text)
            .join('|'),
        );
      assert.deepEqual(await marked('economique'), ['économiques']);
      assert.deepEqual(await marked('run'), ['run', 'running']);
      assert.deepEqual(await marked('经济'), ['经济']);
      assert.deepEqual(await marked('会議'), ['会議']);
    });
  });
}
