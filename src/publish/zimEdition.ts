import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestParts, MANIFEST_FILE, SIGNATURE_FILE, type Manifest } from './manifest.js';

/**
 * The offline edition people already know how to open: the static copy as one ZIM file (the openZIM
 * format of Kiwix on Android, iOS, desktop and kiwix-serve), with Kiwix's full-text index of its
 * pages beside the copy's own script search. Written by libzim (Debian's python3-libzim, through
 * libexec/zim-write.py) from the signed manifest's files: the same pages (their links are relative,
 * as ZIM wants), the raw sources, the attachments, the manifest itself. Epistola names every entry's
 * MIME type: Debian's zimwriterfs guesses it from the content, and served an e-mail holding HTML as a
 * web page (measured: libmagic calls such a raw message text/html).
 */

export interface ZimOptions {
  /** The export directory (the live copy). */
  readonly site: string;
  readonly out: string;
  readonly title: string;
  readonly description: string;
  readonly publisher: string;
  /** A name that stays the same across versions of the file (Kiwix groups by it). */
  readonly name: string;
  readonly onProgress?: (line: string) => void;
}

export interface ZimSummary {
  readonly path: string;
  readonly entries: number;
  readonly bytes: number;
  readonly elapsedMs: number;
}

const ZIM_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'libexec', 'zim-write.py');

/** ZIM metadata limits (zimcheck warns beyond them): a title of 30 characters, a description of 80. */
const cut = (text: string, max: number) => ([...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`);

/** Types by name; anything else (a raw attachment, whatever it claims to be) is a download. */
const TYPES: ReadonlyArray<[RegExp, string]> = [
  [/\.html$/, 'text/html'],
  [/\.css$/, 'text/css'],
  [/\.js$/, 'application/javascript'],
  [/\.json$/, 'application/json'],
  [/\.atom$/, 'application/atom+xml'],
  [/^static\/[^/]+\.svg$/, 'image/svg+xml'],
  [/^static\/[^/]+\.png$/, 'image/png'],
  [/(^|\/)raw$|\.txt$|\.pem$|\.sig$/, 'text/plain'],
  [/\.gz$/, 'application/gzip'],
  [/\.torrent$/, 'application/x-bittorrent'],
];

/** Images shown inside e-mails keep their type when it is one a browser only ever draws (not SVG). */
const DRAWN = /^image\/(png|jpeg|gif|webp)$/;

function mimeOf(path: string, attachmentTypes: ReadonlyMap<string, string>): string {
  for (const [pattern, type] of TYPES) if (pattern.test(path)) return type;
  const declared = attachmentTypes.get(path);
  return declared && DRAWN.test(declared) ? declared : 'application/octet-stream';
}

async function titleOf(file: string): Promise<string> {
  const handle = await open(file);
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2048), 0, 2048, 0);
    const title = /<title>([^<]*)<\/title>/.exec(buffer.subarray(0, bytesRead).toString('utf8'))?.[1] ?? '';
    return title
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'");
  } finally {
    await handle.close();
  }
}

export async function writeZim(options: ZimOptions): Promise<ZimSummary> {
  const started = Date.now();
  const root = await realpath(options.site);
  const manifest = JSON.parse(await readFile(join(root, MANIFEST_FILE), 'utf8')) as Manifest;
  const paths: string[] = [MANIFEST_FILE, SIGNATURE_FILE];
  for await (const { part, files } of manifestParts(manifest, (path) => readFile(join(root, path)).catch(() => null))) {
    if (part) paths.push(part.path);
    for (const f of files) paths.push(f.path);
  }
  // The declared types of attachments, from the messages' JSON (to draw inline images, nothing else).
  const attachmentTypes = new Map<string, string>();
  for (const path of paths) {
    const id = /^api\/emails\/(\d+)\.json$/.exec(path)?.[1];
    if (!id) continue;
    const json = JSON.parse(await readFile(join(root, path), 'utf8')) as { attachments?: Array<{ index: number; contentType: string }> };
    for (const a of json.attachments ?? []) attachmentTypes.set(`emails/${id}/attachments/${a.index}`, a.contentType);
  }
  const tmp = `${options.out}.tmp`;
  await rm(tmp, { force: true });
  const child = spawn(process.env.EPISTOLA_PYTHON ?? '/usr/bin/python3', [ZIM_SCRIPT], { stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c: Buffer) => {
    err = (err + c.toString()).slice(-4000);
    for (const line of c.toString().split('\n').filter(Boolean)) options.onProgress?.(line.trim());
  });
  const closed = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  const write = async (line: unknown) => {
    if (!child.stdin.write(`${JSON.stringify(line)}\n`)) await once(child.stdin, 'drain');
  };
  child.stdin.on('error', () => undefined); // the script's exit code says what went wrong
  await write({
    out: tmp,
    root,
    main: 'index.html',
    illustration: 'static/illustration-48.png',
    language: 'eng',
    metadata: {
      Title: cut(options.title, 30),
      Description: cut(options.description, 80),
      Language: 'eng',
      Creator: options.publisher,
      Publisher: options.publisher,
      Name: options.name,
      Date: manifest.createdAt.slice(0, 10),
      Scraper: 'Epistola',
      Source: 'manifest.json (signed: manifest.json.sig)',
    },
  });
  const entries = paths;
  for (const path of entries) {
    const mime = mimeOf(path, attachmentTypes);
    const page = mime === 'text/html' && !path.endsWith('/html/index.html');
    await write({ path, mime, title: page ? await titleOf(join(root, path)) : '', front: page && /^emails\/\d+\/index\.html$/.test(path) });
  }
  child.stdin.end();
  const code = await closed;
  if (code === 3) throw new Error("the ZIM edition needs libzim for Python: install Debian's python3-libzim (scripts/system-deps.sh does)");
  if (code !== 0) {
    await rm(tmp, { force: true });
    throw new Error(`writing the ZIM file failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' / ')}`);
  }
  await rename(tmp, options.out);
  return { path: options.out, entries: entries.length, bytes: (await stat(options.out)).size, elapsedMs: Date.now() - started };
}
