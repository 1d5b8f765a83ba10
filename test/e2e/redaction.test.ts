import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { cliJson, runCli, manifestFiles, tempDir } from '../helpers.js';
import { STORES, stopSharedPostgres, storeArgs, type StoreKind } from '../stores.js';
import { keyRecordOf, rsaKey, sign } from '../dkimFixtures.js';
import { formatKeyFile } from '../../src/verify/keyFile.js';
import { buildServer, servedRoutes } from '../../src/serve/server.js';
import { BlobStore } from '../../src/store/blobStore.js';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { PostgresStore } from '../../src/store/postgres/pgStore.js';
import type { ArchiveReader } from '../../src/store/archiveStore.js';
import { searchAllIds } from '../searchAll.js';

/**
 * Redaction end to end, on every store: unique strings are planted in a message's text and HTML,
 * in a header, in a text attachment and its file name, and in a binary attachment; they are
 * redacted (one before publication, one after: an amendment), and then every route of the live
 * server's route table (every message, thread, person, release, attachment, raw, mbox, proof
 * bundle, search and facet) and every file of a static export (search index included) is searched
 * for the strings, case-folded, accent-folded, URL-, base64- and quoted-printable-encoded: none
 * may occur. The redacted message keeps what it can prove, and a revealed span checks out.
 */

const key = rsaKey('leak2026', 'example.org', 2048);
/** What is taken out, and must be found nowhere public afterwards. */
const SECRETS = ['Zanzibar-Quokka-4471', '+44 20 7946 0123', 'Albatross-Ledger-9931', 'Xylophone-Case-5512', 'BINARYSECRET7781', 'Éléonore-Mystère'];

function planted(): string[] {
  const a = [
    'From: Alice Example <alice@example.org>',
    'To: Bob <bob@example.net>',
    'Subject: Harbour contract',
    'Date: Mon, 01 Jun 2020 10:00:00 +0000',
    'Message-ID: <planted-a@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'The informant is Zanzibar-Quokka-4471, call him on +44 20 7946 0123 about =C3=89l=C3=A9onore-Myst=C3=A8re.',
    'The harbour budget is fine.',
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('<p>The informant is <b>Zanzibar-Quokka-4471</b>, call him on +44 20 7946 0123 about Éléonore-Mystère.</p><p>The harbour budget is fine.</p>')
      .toString('base64')
      .replace(/.{76}/g, '$&\n'),
    '--alt--',
    '',
  ].join('\n');
  const b = [
    'From: Carol <carol@example.org>',
    'To: Dan <dan@example.net>',
    'Subject: Ledger for the harbour',
    'Date: Tue, 02 Jun 2020 10:00:00 +0000',
    'Message-ID: <planted-b@example.org>',
    'X-Case-Ref: Xylophone-Case-5512',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mix"',
    '',
    '--mix',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Attached, the ledger and the data file. The harbour budget again.',
    '--mix',
    'Content-Type: text/plain; charset=utf-8; name="Albatross-Ledger-9931.txt"',
    'Content-Disposition: attachment; filename="Albatross-Ledger-9931.txt"',
    '',
    'Account holder: Albatross-Ledger-9931',
    '--mix',
    'Content-Type: application/octet-stream; name="data.bin"',
    'Content-Disposition: attachment; filename="data.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.concat([Buffer.from([0, 1, 2, 3]), Buffer.from('BINARYSECRET7781'), Buffer.from([250, 251])]).toString('base64'),
    '--mix--',
    '',
  ].join('\n');
  return [a, b];
}

/** The forms a planted string could take in an answer or a file. */
function formsOf(secret: string): string[] {
  const folded = secret.normalize('NFD').replace(/\p{M}/gu, '');
  const plain = [secret, secret.toLowerCase(), secret.toUpperCase(), folded, folded.toLowerCase()];
  const encoded = plain.flatMap((s) => {
    const bytes = Buffer.from(s);
    const qp = [...bytes].map((c) => (c >= 33 && c <= 126 && c !== 61 ? String.fromCharCode(c) : `=${c.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
    // The base64 of the string at each of the three alignments it can have inside a longer text.
    const b64 = [0, 1, 2].map((shift) => {
      const text = Buffer.concat([Buffer.alloc(shift, 0x20), bytes]).toString('base64');
      const from = Math.ceil((shift * 4) / 3) + (shift > 0 ? 1 : 0);
      return text.slice(from, from + Math.floor(((bytes.length - 3) * 4) / 3));
    });
    return [qp, encodeURIComponent(s), s.replace(/ /g, '+'), ...b64.filter((x) => x.length >= 12)];
  });
  return [...new Set([...plain, ...encoded])];
}
const FORMS = SECRETS.map((s) => ({ secret: s, forms: formsOf(s) }));

/** Finds planted forms in some bytes (as UTF-8 and Latin-1, gzip opened first); returns the secrets found. */
function leaks(bytes: Buffer): string[] {
  const opened = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  const texts = [opened.toString('utf8'), opened.toString('latin1')];
  return FORMS.filter(({ forms }) => forms.some((f) => texts.some((t) => t.includes(f)))).map((f) => f.secret);
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

after(async () => {
  await stopSharedPostgres();
});

for (const { kind, skip } of STORES) {
  describe(`redaction on ${kind}`, { skip }, () => {
    const root = tempDir();
    const data = join(root, 'data');
    let args: string[] = [];
    let ids: { a: number; b: number } = { a: 0, b: 0 };
    const cli = async (more: string[], expect = 0) => {
      const result = await runCli([...args, ...more]);
      assert.equal(result.code, expect, `epistola ${more.join(' ')}: ${result.stderr}${result.stdout}`);
      return result.stdout.toString();
    };

    before(async () => {
      args = ['--data', data, ...(await storeArgs(kind as StoreKind))];
      await cli(['demo', '--count', '120', '--out', join(root, 'mail'), '--ingest']);
      const [a, b] = planted();
      const signed = await sign(a!.replace(/\n/g, '\r\n'), key, {
        headerList: ['from', 'to', 'subject', 'date', 'message-id', 'content-type', 'mime-version'],
      });
      const mbox = join(root, 'planted.mbox');
      writeFileSync(
        mbox,
        Buffer.concat([
          Buffer.from('From alice@example.org Mon Jun  1 10:00:00 2020\n'),
          signed,
          Buffer.from(`\nFrom carol@example.org Tue Jun  2 10:00:00 2020\n${b}\n`),
        ]),
      );
      writeFileSync(join(root, 'keys.txt'), formatKeyFile([keyRecordOf(key)]));
      await cli(['keys', 'import', join(root, 'keys.txt')]);
      await cli(['ingest', mbox]);
      const find = async (q: string) => (await cliJson<{ hits: Array<{ message: { id: number } }> }>([...args, 'search', q, '--json'])).hits[0]!.message.id;
      ids = { a: await find('id:planted-a@example.org'), b: await find('id:planted-b@example.org') };
      await cli(['verify', '--all']);
    });

    test('a redaction takes the text out of the message everywhere the publisher sees it, and keeps what it can prove', async () => {
      // The same name, written another way (case, accents): a literal matches every form of it.
      const texts = (third: string) => ['--text', 'Zanzibar-Quokka-4471', '--text', '+44 20 7946 0123', '--text', third];
      const dry = await cli(['redact', String(ids.a), ...texts('Éléonore-Mystère'), '--dry-run']);
      assert.match(dry, /Would redact message \d+: 6 spans/);
      assert.match(dry, /Readers can still check the signature over the published headers/);
      assert.equal(JSON.parse(await cli(['redact', '--list', '--json'])).length, 0, 'a dry run changes nothing');
      const refused = await runCli([...args, 'redact', String(ids.a), '--text', 'no such text anywhere', '--reason', 'x']);
      assert.equal(refused.code, 1, 'nothing matched: refused with exit 1');
      await cli(['redact', String(ids.a), ...texts('eleonore-mystère'), '--reason', 'identifies a source']);
      const listed = JSON.parse(await cli(['redact', '--list', '--json'])) as Array<{ message: number; spans: number }>;
      assert.deepEqual(
        listed.map((r) => [r.message, r.spans]),
        [[ids.a, 6]],
      );
      const search = await cliJson<{ total: number }>([...args, 'search', 'Zanzibar', '--json']);
      assert.equal(search.total, 0, 'the search index forgot the words');
      assert.ok((await cliJson<{ total: number }>([...args, 'search', 'harbour budget', '--json'])).total > 0);
      const shown = await cli(['show', String(ids.a)]);
      assert.doesNotMatch(shown, /Zanzibar|7946|Myst/);
      assert.match(shown, /\[REDACTED 1 sha256:[0-9a-f]{64}\]/);
      // The original bytes are still the archive's: ingesting them again adds nothing.
      const before = await cliJson<{ messages: number }>([...args, 'stats', '--json']);
      await cli(['ingest', join(root, 'planted.mbox')]);
      assert.equal((await cliJson<{ messages: number }>([...args, 'stats', '--json'])).messages, before.messages);
      // Verification still checks the original; the reveal of a span checks out against its commitment.
      const verified = await cli(['verify', String(ids.a)]);
      assert.match(verified, /DKIM verified by example\.org/);
      const revelation = await cli(['redact', '--reveal', String(ids.a), '1']);
      assert.equal(JSON.parse(revelation).text, 'Zanzibar-Quokka-4471');
      writeFileSync(join(root, 'reveal.json'), revelation);
      assert.match(await cli(['verify-redaction', join(root, 'reveal.json')]), /The commitment matches/);
      const forged = JSON.parse(revelation) as { removed: string };
      writeFileSync(join(root, 'forged.json'), JSON.stringify({ ...forged, removed: Buffer.from('Someone-Else').toString('base64') }));
      assert.match(await cli(['verify-redaction', join(root, 'forged.json')], 1), /does NOT match/);
    });

    test('after publication a redaction is a signed amendment; no public route or exported file holds any planted string', { timeout: 600_000 }, async () => {
      await cli(['release', 'create', '--title', 'Planted', '--query', 'harbour']);
      const releases = JSON.parse(await cli(['release', 'list', '--json'])) as Array<{ number: number; publishAt: string | null }>;
      for (const r of releases) if (!r.publishAt) await cli(['release', 'publish', String(r.number)]);
      // A withdrawal undone is an entry too, and the message is public again.
      await cli(['release', 'amend', '--withdraw', String(ids.a), '--reason', 'checking a claim']);
      await cli(['release', 'amend', '--restore', String(ids.a), '--reason', 'the claim was wrong']);
      assert.equal(
        (await runCli([...args, 'release', 'amend', '--restore', String(ids.a), '--reason', 'again'])).code,
        2,
        'only a withdrawn message can be restored',
      );
      const out = await cli([
        'redact',
        String(ids.b),
        '--text',
        'Albatross-Ledger-9931',
        '--header',
        'X-Case-Ref',
        '--attachment',
        '1',
        '--reason',
        'a private account',
      ]);
      assert.match(out, /amendment \d+ \(signed\)/);

      // The live server, as the public sees it.
      const store: ArchiveReader =
        kind === 'sqlite'
          ? SqliteStore.open(join(data, 'archive.sqlite'), { readonly: true, audience: 'public' })
          : await PostgresStore.open(args[args.indexOf('--database') + 1]!, { readonly: true, audience: 'public' });
      const app: FastifyInstance = await buildServer({
        store,
        blobs: new BlobStore(data),
        blobRoot: join(data, 'blobs'),
        downloadsDir: join(data, 'downloads'),
        collection: 'Leak test',
        rateLimitPerMinute: 100_000,
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      let surfaces = 0;
      const found: string[] = [];
      /**
       * The answer once the server gives one: a search refused as busy (the shared search budget, 503)
       * or limited (429) is asked again after its Retry-After, so no surface goes unchecked on a loaded machine.
       */
      const answered = async (path: string) => {
        for (let attempt = 0; ; attempt++) {
          const response = await fetch(origin + path);
          if ((response.status !== 503 && response.status !== 429) || attempt === 30) return response;
          await response.arrayBuffer();
          await new Promise((done) => setTimeout(done, 1000 * Number(response.headers.get('retry-after') ?? 1)));
        }
      };
      const check = async (path: string, echo: string | null = null) => {
        const response = await answered(path);
        assert.ok(response.status < 500, `${path}: ${response.status}`);
        let body = Buffer.from(await response.arrayBuffer());
        if (echo) {
          // A search page repeats its own query in the search box: that is the reader's text, not the archive's.
          let text = body.toString('utf8');
          for (const form of [echo, encodeURIComponent(echo), echo.replace(/ /g, '+'), encodeURIComponent(echo).replace(/%20/g, '+')])
            text = text.split(form).join('');
          body = Buffer.from(text);
        }
        surfaces++;
        for (const secret of leaks(body)) found.push(`${path}: ${secret}`);
        return response;
      };
      try {
        const amendments = (await (await fetch(`${origin}/amendments.json`)).json()) as Array<{
          entry: { action: string; messages: number[]; spans?: unknown[] };
        }>;
        const redactEntry = amendments.find((a) => a.entry.action === 'redact');
        assert.ok(redactEntry && redactEntry.entry.messages.includes(ids.b) && (redactEntry.entry.spans?.length ?? 0) >= 3, 'the amendment names the spans');
        assert.deepEqual(
          amendments.map((a) => a.entry.action),
          ['withdraw', 'restore', 'redact'],
        );
        assert.ok(await store.getMessage(ids.a), 'the restored message is public again');
        const visible = await searchAllIds(store, { kind: 'and', children: [] });
        assert.ok(visible.includes(ids.a) && visible.includes(ids.b), 'the planted messages are public');
        const people = new Set<string>();
        const threads = new Set<number>();
        const attachments = new Map<number, number>();
        const months = new Set<string>();
        for (const id of visible) {
          const m = (await store.getMessage(id))!;
          for (const a of [m.from, ...m.to, ...m.cc]) if (a) people.add(a.address);
          if (m.threadId) threads.add(m.threadId);
          attachments.set(id, m.attachments.length);
          if (m.dateUtc !== null) months.add(new Date(m.dateUtc).toISOString().slice(0, 7));
        }
        const releases = (await store.releases()).map((r) => r.number);
        const routes = servedRoutes(app).filter((r) => r.method === 'GET');
        for (const route of routes) {
          const url = route.url;
          const values: string[] = url.includes(':address')
            ? [...people].map((p) => url.replace(':address', encodeURIComponent(p)))
            : url.includes(':month')
              ? [...months].map((m) => url.replace(':month', m))
              : url.startsWith('/threads/:id')
                ? [...threads].map((t) => url.replace(':id', String(t)))
                : url.startsWith('/releases/:id') || url.startsWith('/api/releases/:id')
                  ? releases.map((r) => url.replace(':id', String(r)).replace(':file', `release-${r}.mbox.gz`))
                  : url.includes(':idx')
                    ? visible.flatMap((id) =>
                        Array.from({ length: attachments.get(id) ?? 0 }, (_, i) => url.replace(':id', String(id)).replace(':idx', String(i))),
                      )
                    : url.includes(':id')
                      ? visible.map((id) => url.replace(':id', String(id)))
                      : [url];
          for (const path of values) {
            if (/search/.test(url)) {
              for (const q of [...SECRETS, 'harbour', 'Zanzibar', 'albatross', 'Xylophone']) {
                const facets = url === '/search/facet' ? ['senders', 'recipients', 'folders', 'attachmentTypes'] : [null];
                for (const facet of facets) await check(`${path}?q=${encodeURIComponent(q)}${facet ? `&facet=${facet}` : ''}`, q);
              }
            } else await check(path);
          }
        }
        const api = (await (await answered(`/api/search?q=${encodeURIComponent('Albatross')}`)).json()) as { total: number };
        assert.equal(api.total, 0, 'no search finds the redacted word');
        assert.deepEqual(found, [], 'no planted string in any public answer');
        assert.ok(surfaces > 500, `surfaces checked: ${surfaces}`);

        // What the redacted message still proves, as a reader can check it with the downloaded bytes.
        const raw = Buffer.from(await (await fetch(`${origin}/emails/${ids.a}/raw`)).arrayBuffer());
        writeFileSync(join(root, 'a.eml'), raw);
        writeFileSync(join(root, 'keys-public.txt'), await (await fetch(`${origin}/keys.txt`)).text());
        const report = JSON.parse(await cli(['verify-file', join(root, 'a.eml'), '--keys', join(root, 'keys-public.txt'), '--json'], 1)) as {
          verdict: string;
          signatures: Array<{ headersOk: boolean; bodyHashOk: boolean }>;
        };
        assert.equal(report.verdict, 'body-altered');
        assert.equal(report.signatures[0]!.headersOk, true, 'the published headers still verify with the archived key');
        assert.match(await cli(['verify-redaction', join(root, 'reveal.json'), '--message', join(root, 'a.eml')]), /The message carries this commitment/);
        const page = await (await fetch(`${origin}/emails/${ids.a}`)).text();
        assert.match(page, /Redacted by the publisher/);
        assert.match(page, /are proven: the signature over these header fields verifies/);
        const parts = (await (await fetch(`${origin}/emails/${ids.a}/parts.json`)).json()) as { root: string; leaves: unknown[] };
        assert.match(parts.root, /^[0-9a-f]{64}$/);
        const pageB = await (await fetch(`${origin}/emails/${ids.b}`)).text();
        assert.match(pageB, /A signed header field was redacted|No signature of this redacted message can be checked/);
      } finally {
        await app.close();
        await store.close();
      }

      // The static edition: every file, the search index and the signed manifest included.
      const site = join(root, 'site');
      await cli(['export', site]);
      let files = 0;
      const exported: string[] = [];
      for (const file of walk(site)) {
        files++;
        for (const secret of leaks(readFileSync(file))) exported.push(`${file.slice(site.length)}: ${secret}`);
      }
      assert.deepEqual(exported, [], 'no planted string in any exported file');
      assert.ok(files > 200, `exported files checked: ${files}`);
      assert.ok(manifestFiles(site).has(`emails/${ids.a}/parts.json`), 'the part tree is in the signed manifest');
      process.stdout.write(
        `# redaction leak check (${kind}): ${surfaces} live answers and ${files} exported files, ${FORMS.reduce((n, f) => n + f.forms.length, 0)} forms of ${SECRETS.length} strings, 0 found\n`,
      );
    });
  });
}
