// The static copy's search (the index is described in src/publish/staticSearch/format.ts). Every
// file of the index is a script that calls epistolaSearch.*, loaded with a <script> tag, so search
// works from any web server, under any path, and from file:// (where fetch() of local files is not
// allowed). The hash and the varint below repeat format.ts; test/e2e/staticSearch.test.ts checks that
// this search finds what the live search finds.
(() => {
  const root = document.getElementById('search');
  const bits = Number(root.dataset.bucketBits);
  const here = document.currentScript.src;
  const indexBase = new URL('../search/', here);
  const siteBase = new URL('../', here);
  const PAGE_SIZE = 20;
  const DOC_CHUNK = 200;
  const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const fr = document.documentElement.lang === 'fr';
  const statusLine = root.querySelector('.search-status');
  const list = root.querySelector('.search-results');
  const more = root.querySelector('.search-more');

  const waiting = new Map(); // file name → resolve
  const loaded = new Map(); // file name → promise of its data
  window.epistolaSearch = {
    bucket: (n, data) => waiting.get(`b/${n}`)?.(data),
    page: (name, data) => waiting.get(`p/${name}`)?.(data),
    docs: (n, data) => waiting.get(`d/${n}`)?.(data),
  };
  /** One file of the index; null when it is not there (an empty bucket is not written). */
  function load(name) {
    if (!loaded.has(name)) {
      loaded.set(
        name,
        new Promise((resolve) => {
          const script = document.createElement('script');
          waiting.set(name, (data) => {
            waiting.delete(name);
            resolve(data);
          });
          script.onerror = () => resolve(null);
          script.onload = () => waiting.has(name) && resolve(null);
          script.src = new URL(`${name}.js`, indexBase).href;
          document.head.appendChild(script);
        }),
      );
    }
    return loaded.get(name);
  }

  function hash(key) {
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) {
      h ^= key.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  }
  const bucketOf = (key) => (bits === 0 ? 0 : hash(key) >>> (32 - bits));
  function decode(text) {
    const ids = [];
    let value = 0;
    let scale = 1;
    for (let i = 0; i < text.length; i++) {
      const digit = DIGITS.indexOf(text[i]);
      value += (digit & 31) * scale;
      if (digit & 32) scale *= 32;
      else {
        ids.push(ids.length === 0 ? value : ids[ids.length - 1] - value);
        value = 0;
        scale = 1;
      }
    }
    return ids;
  }
  // As the live index folds words (src/text/words.ts): lower case, no diacritics; runs of Chinese,
  // Japanese and Thai cut into words with Unicode word segmentation.
  const WORD = /[\p{L}\p{N}\p{M}]+/gu;
  const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
  const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
  const fold = (word) => word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  function queryWords(query) {
    const words = [];
    for (const [word] of query.matchAll(WORD)) {
      if (UNSPACED.test(word)) {
        const parts = [...segmenter.segment(word)].filter((s) => s.isWordLike).map((s) => s.segment);
        words.push(...(parts.length > 1 ? parts : [word]).map(fold));
      } else words.push(fold(word));
    }
    return [...new Set(words)];
  }

  /** A key's posting list, newest first, its pages loaded as the reading reaches them. */
  async function postings(key) {
    const bucket = bucketOf(key);
    const entry = (await load(`b/${bucket}`))?.[key];
    if (!entry) return null;
    const [count, first, extra, stems] = entry;
    const pages = extra.map((n) => `p/${bucket}/${n}`);
    return { count, stems: stems ?? [], cursor: cursorOf(decode(first), pages) };
  }
  function cursorOf(ids, pages) {
    let pos = 0;
    return {
      /** The first id ≤ limit, or -1 at the end (loads the next page when needed). */
      async seek(limit) {
        for (;;) {
          while (pos < ids.length && ids[pos] > limit) pos++;
          if (pos < ids.length) return ids[pos];
          if (pages.length === 0) return -1;
          ids = decode((await load(pages.shift())) ?? '');
          pos = 0;
        }
      },
      exhausted: () => pos >= ids.length && pages.length === 0,
    };
  }
  /** A query word: its posting list as written, merged with those of its stems. */
  async function wordCursor(word) {
    const own = await postings(word);
    if (!own) return null;
    const cursors = [own.cursor, ...(await Promise.all(own.stems.map(postings))).filter(Boolean).map((p) => p.cursor)];
    return {
      count: own.stems.length === 0 ? own.count : null,
      async seek(limit) {
        let best = -1;
        for (const c of cursors) best = Math.max(best, await c.seek(limit));
        return best;
      },
      exhausted: () => cursors.every((c) => c.exhausted()),
    };
  }
  /** Messages holding every word, newest first: a leapfrog over the cursors. */
  function intersect(cursors) {
    let limit = Infinity;
    return async function next() {
      for (;;) {
        let candidate = await cursors[0].seek(limit);
        if (candidate < 0) return -1;
        let agreed = true;
        for (const c of cursors.slice(1)) {
          const id = await c.seek(candidate);
          if (id < 0) return -1;
          if (id !== candidate) {
            limit = id;
            agreed = false;
            break;
          }
        }
        if (agreed) {
          limit = candidate - 1;
          return candidate;
        }
      }
    };
  }

  const href = (path) => new URL(path, siteBase).href;
  function resultItem(id, doc, words) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = href(`emails/${id}/index.html`);
    a.className = 'search-result';
    a.textContent = (doc && doc[0]) || (fr ? '(sans objet)' : '(no subject)');
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = ` ${doc ? [doc[1], doc[2]].filter(Boolean).join(' · ') : ''} · #${id}`;
    const snippet = document.createElement('p');
    snippet.className = 'snippet';
    for (const part of (doc?.[3] ?? '').split(/([\p{L}\p{N}\p{M}]+)/u)) {
      if (words.has(fold(part))) {
        const mark = document.createElement('mark');
        mark.textContent = part;
        snippet.appendChild(mark);
      } else snippet.appendChild(document.createTextNode(part));
    }
    li.append(a, meta, snippet);
    return li;
  }

  async function run(query) {
    const words = queryWords(query);
    if (words.length === 0) return;
    statusLine.textContent = fr ? 'Recherche…' : 'Searching…';
    const cursors = await Promise.all(words.map(wordCursor));
    if (cursors.some((c) => c === null)) {
      statusLine.textContent = fr ? `Aucun résultat pour « ${query} ».` : `No results for “${query}”.`;
      return;
    }
    const next = intersect(cursors);
    const wordSet = new Set(words);
    let shown = 0;
    let done = false;
    async function showMore() {
      const ids = [];
      while (ids.length < PAGE_SIZE) {
        const id = await next();
        if (id < 0) {
          done = true;
          break;
        }
        ids.push(id);
      }
      const chunks = await Promise.all([...new Set(ids.map((id) => Math.floor(id / DOC_CHUNK)))].map(async (c) => [c, await load(`d/${c}`)]));
      const docs = new Map(chunks);
      for (const id of ids) list.appendChild(resultItem(id, docs.get(Math.floor(id / DOC_CHUNK))?.[id], wordSet));
      shown += ids.length;
      const exact = done ? shown : cursors.length === 1 && cursors[0].count !== null ? cursors[0].count : null;
      const count = exact ?? `${shown}+`;
      statusLine.textContent = fr ? `${count} résultat${exact === 1 ? '' : 's'} pour « ${query} »` : `${count} result${exact === 1 ? '' : 's'} for “${query}”`;
      more.hidden = done || (exact !== null && shown >= exact);
    }
    more.onclick = () => void showMore();
    await showMore();
  }

  const q = new URLSearchParams(location.search).get('q');
  const box = document.getElementById('q');
  if (q) {
    if (box) box.value = q;
    void run(q);
  }
})();
