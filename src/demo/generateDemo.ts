import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LEGACY_SAMPLES, PEOPLE, SENTENCES_EN, SENTENCES_FR, TOPICS_EN, TOPICS_FR, type Person } from './corpusText.js';
import { demoKeyRecords, signDemoMessage, signWithBodyLength } from './demoSigning.js';
import { formatKeyFile } from '../verify/keyFile.js';
import { mboxEntry } from '../mail/mboxWriter.js';
import { encodeWord, filePart, formatAddress, formatDate, message, messagePart, multipart, textPart, type Part } from './mimeWriter.js';
import { prng } from './prng.js';

/**
 * Writes the demo collection: a deterministic, realistic set of a fictional harbour authority's
 * mail, made by the project itself (never real people's mail), so `npm start` works anywhere.
 * Same seed and count → the same bytes.
 */
export interface DemoOptions {
  readonly outDir: string;
  readonly count: number;
  readonly seed: number;
  /** Everything in one Maildir (for benchmarks against Maildir indexers), no mbox files. */
  readonly maildirOnly?: boolean;
}

export interface DemoResult {
  readonly messages: number;
  /** What to pass to `epistola ingest`. */
  readonly paths: readonly string[];
  /** The demo domains' DKIM key records, for `epistola keys import`. */
  readonly keyFile: string;
}

interface ThreadMessage {
  readonly messageId: string;
  readonly subject: string;
  readonly from: Person;
  readonly text: string;
  readonly references: readonly string[];
  readonly raw: Buffer;
}

interface Thread {
  readonly topic: string;
  readonly lang: 'en' | 'fr';
  readonly people: readonly Person[];
  readonly messages: ThreadMessage[];
}

/** 1×1 PNG, for inline images. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function pdfBytes(title: string): Buffer {
  // A minimal one-page PDF whose text is the title: a realistic attachment type.
  const text = title.replace(/[()\\]/g, ' ').replace(/[^\x20-\x7e]/g, '?');
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n` +
      `3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n` +
      `4 0 obj<</Length ${text.length + 30}>>stream\nBT /F1 12 Tf 72 770 Td (${text}) Tj ET\nendstream endobj\n` +
      // The font is named, so every PDF reader (poppler's pdftotext too) finds the text layer.
      `5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );
}

/**
 * DKIM-signs a demo message as its domain would, then, now and then, does what happens to real
 * mail after signing: a list footer (covered by l= or not), a list's subject tag, an edited body,
 * a second From added on top (the forgery trick the verifier must flag).
 */
async function signAndTamper(raw: Buffer, fromAddress: string, dateMs: number, viaList: boolean, random: () => number): Promise<Buffer> {
  if (random() < 0.1) return raw;
  if (viaList) {
    const signed = random() < 0.4 ? await signWithBodyLength(raw, fromAddress, dateMs, random) : await signDemoMessage(raw, fromAddress, dateMs, random);
    const footer = Buffer.from('\n--\nharbour-list: the Meridian harbour users\u2019 list. Unsubscribe: harbour-list-leave@meridian-port.example.org\n');
    const tagged = random() < 0.1 ? Buffer.from(signed.toString('latin1').replace(/^Subject: /m, 'Subject: [harbour-list] '), 'latin1') : signed;
    return Buffer.concat([tagged, footer]);
  }
  const signed = await signDemoMessage(raw, fromAddress, dateMs, random);
  const roll = random();
  if (roll < 0.01) return Buffer.concat([Buffer.from('From: Harbour Master <harbour.master@meridian-port.example.org>\n'), signed]);
  if (roll < 0.02) return Buffer.concat([signed, Buffer.from('\nP.S. Please wire the deposit to the new account today.\n')]);
  if (roll < 0.03)
    return Buffer.from(
      signed.toString('latin1').replace(/^Date: (.*)$/m, (_m, d: string) => `Date: ${d.replace(/\d{4}/, (y) => String(Number(y) - 1))}`),
      'latin1',
    );
  return signed;
}

/**
 * Writes the demo unless the same one (count, seed, generator version) is already there: a second
 * `npm start` then re-ingests nothing.
 */
export async function generateDemo(options: DemoOptions): Promise<DemoResult & { reused: boolean }> {
  const stamp = join(options.outDir, 'demo.json');
  const wanted = JSON.stringify({ generator: GENERATOR_VERSION, count: options.count, seed: options.seed, maildirOnly: options.maildirOnly ?? false });
  const existing = await readFile(stamp, 'utf8').catch(() => null);
  if (existing !== null && JSON.stringify(JSON.parse(existing).options) === wanted) {
    return { ...(JSON.parse(existing).result as DemoResult), reused: true };
  }
  await rm(options.outDir, { recursive: true, force: true });
  const result = await writeDemo(options);
  await writeFile(stamp, `${JSON.stringify({ options: JSON.parse(wanted), result }, null, 2)}\n`);
  return { ...result, reused: false };
}

/** Bump when the generator's output changes, so old demo folders are rewritten. */
const GENERATOR_VERSION = 2;

async function writeDemo(options: DemoOptions): Promise<DemoResult> {
  const random = prng(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const maildir = join(options.outDir, 'Maildir');
  const folders = { INBOX: '', Sent: '.Sent', Press: '.Press', Archive: '.Archive.2014' } as const;
  for (const dir of Object.values(folders)) {
    for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(maildir, dir, sub), { recursive: true });
  }
  const listMbox: Buffer[] = [];
  const oldMbox: Buffer[] = [];
  const authority = PEOPLE.filter((p) => p.address.includes('meridian-port'));

  const start = Date.UTC(2014, 0, 6, 8, 0, 0);
  const span = Date.UTC(2016, 11, 20) - start;
  const step = span / Math.max(1, options.count);
  let now = start;
  let written = 0;
  let fileSeq = 0;
  const threads: Thread[] = [];
  // Signing draws from its own sequence, so the collection itself is the same with or without it.
  const signing = prng(options.seed ^ 0x5eed);

  const writeMaildir = async (folder: keyof typeof folders, raw: Buffer, when: number) => {
    const seconds = Math.floor(when / 1000);
    const name = `${seconds}.M${fileSeq++}P4242.demo.example:2,S`;
    const sub = fileSeq % 7 === 0 ? 'new' : 'cur';
    await writeFile(join(maildir, folders[folder], sub, sub === 'new' ? name.replace(/:2,S$/, '') : name), raw);
    written++;
  };

  const sentences = (lang: 'en' | 'fr', n: number) => Array.from({ length: n }, () => pick(lang === 'fr' ? SENTENCES_FR : SENTENCES_EN)).join(' ');

  while (written < options.count) {
    now += Math.round(step * (0.3 + random() * 1.4));
    const offset = pick([60, 120, 0, -300]);
    const date = formatDate(now, offset);
    const roll = random();
    const openThreads = threads.slice(-40);
    const replying = openThreads.length > 0 && roll < 0.55;
    let thread: Thread;
    let parent: ThreadMessage | null = null;
    if (replying) {
      thread = pick(openThreads);
      parent = random() < 0.7 ? thread.messages[thread.messages.length - 1]! : pick(thread.messages);
    } else {
      const lang = random() < 0.5 ? 'en' : 'fr';
      const people = [pick(PEOPLE), pick(PEOPLE), pick(PEOPLE)].filter((p, i, all) => all.indexOf(p) === i);
      if (people.length < 2) people.push(PEOPLE[(PEOPLE.indexOf(people[0]!) + 1) % PEOPLE.length]!);
      thread = { topic: pick(lang === 'fr' ? TOPICS_FR : TOPICS_EN), lang, people, messages: [] };
      threads.push(thread);
    }
    const from = parent ? (pick(thread.people.filter((p) => p !== parent!.from)) ?? thread.people[0]!) : thread.people[0]!;
    const to = thread.people.filter((p) => p !== from);
    const lang = thread.lang;
    const messageId = `${now.toString(36)}.${written}@${from.address.split('@')[1]}`;
    const forwarding = parent !== null && random() < 0.08;
    const subject = parent ? `${forwarding ? 'Fwd' : lang === 'fr' ? 'RE' : 'Re'}: ${thread.topic}` : thread.topic;
    const greeting = lang === 'fr' ? `Bonjour ${to[0]!.name.split(' ')[0]},` : `Hi ${to[0]!.name.split(' ')[0]},`;
    const sign = lang === 'fr' ? `Cordialement,\n${from.name}` : `Best,\n${from.name}`;
    let text = `${greeting}\n\n${sentences(lang, 2 + Math.floor(random() * 4))}\n\n${sentences(lang, 1 + Math.floor(random() * 3))}\n\n${sign}\n`;
    if (parent && !forwarding) {
      const quoted = parent.text
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
      text += `\n${lang === 'fr' ? `Le ${date}, ${parent.from.name} a écrit :` : `On ${date}, ${parent.from.name} wrote:`}\n${quoted}\n`;
    }
    const references = parent ? [...parent.references, parent.messageId].slice(-10) : [];
    const headers: Array<[string, string]> = [
      ['From', formatAddress(from)],
      ['To', to.map(formatAddress).join(',\n ')],
      ['Subject', encodeWord(subject)],
      ['Date', date],
      ['Message-ID', `<${messageId}>`],
    ];
    if (random() < 0.15) headers.push(['Cc', formatAddress(pick(PEOPLE))]);
    if (parent && !forwarding) {
      headers.push(['In-Reply-To', `<${parent.messageId}>`]);
      headers.push(['References', references.map((r) => `<${r}>`).join('\n ')]);
    }
    headers.push(['X-Mailer', pick(['Epistola demo mailer 1.0', 'Harbour Office Mail 7.2', 'Thunderbird-like/45.0'])]);

    // Choose the body shape.
    let body: Part;
    const kind = random();
    let folder: keyof typeof folders = 'INBOX';
    if (forwarding && parent) {
      body = multipart('mixed', `fwd-${written}`, [textPart(text), messagePart(parent.raw, 'forwarded.eml')]);
    } else if (kind < 0.1) {
      const csv = Buffer.from(`item;amount_eur\ndredging;${Math.round(random() * 90000)}\ncranes;${Math.round(random() * 40000)}\n`);
      body = multipart('mixed', `att-${written}`, [
        textPart(text),
        filePart(`report-${written}.pdf`, 'application/pdf', pdfBytes(thread.topic)),
        filePart(`figures-${written}.csv`, 'text/csv', csv),
      ]);
    } else if (kind < 0.16) {
      const html = `<html><body><p>${text.split('\n\n')[1] ?? ''}</p><p><img src="cid:logo-${written}@demo" alt="logo"></p><p>${from.name}</p></body></html>`;
      body = multipart('related', `rel-${written}`, [
        multipart('alternative', `alt-${written}`, [textPart(text), textPart(html, { subtype: 'html' })]),
        filePart('logo.png', 'image/png', PNG, { inlineCid: `logo-${written}@demo` }),
      ]);
    } else if (kind < 0.2) {
      const sample = pick(LEGACY_SAMPLES);
      headers[2] = ['Subject', encodeWord(sample.subject, sample.charset)];
      body = textPart(`${sample.body}\n\n${from.name}\n`, { charset: sample.charset });
    } else if (kind < 0.24) {
      // HTML-only newsletter, with the remote image and script a hostile sender would use: the
      // web reader must neutralise both.
      headers[0] = ['From', formatAddress({ name: 'Harbour News', address: 'newsletter@harbour-news.example.com' })];
      headers[2] = ['Subject', encodeWord(lang === 'fr' ? `Lettre d’information : ${thread.topic}` : `Newsletter: ${thread.topic}`)];
      const html =
        `<html><head><style>p{font-family:serif}</style></head><body><h1>${thread.topic}</h1>` +
        `<p>${sentences(lang, 3)}</p><img src="https://tracker.example.com/pixel.gif?id=${written}" width="1" height="1">` +
        `<script>alert('demo')</script><p><a href="https://harbour-news.example.com/">harbour-news.example.com</a></p></body></html>`;
      body = textPart(html, { subtype: 'html', encoding: 'base64' });
      folder = 'Press';
    } else {
      body = textPart(text, { encoding: random() < 0.2 ? 'base64' : '8bit' });
    }
    // Where it is filed: authority staff's own mail goes to Sent, and the recipient's copy (with a
    // Received header, so different bytes and the same Message-ID) to INBOX now and then.
    const isStaff = authority.includes(from);
    const when = now;
    const year = new Date(now).getUTCFullYear();
    const toMbox = !options.maildirOnly && !isStaff && random() < 0.25;
    const toOldMbox = !options.maildirOnly && year === 2014 && random() < 0.3;
    const fromAddress = /<([^>]+)>/.exec(headers[0]![1])?.[1] ?? from.address;
    const raw = await signAndTamper(message(headers, body), fromAddress, now, toMbox && folder !== 'Press', signing);
    thread.messages.push({ messageId, subject, from, text, references, raw });

    if (folder === 'Press') await writeMaildir('Press', raw, when);
    else if (toMbox) {
      listMbox.push(raw);
      written++;
    } else if (toOldMbox) {
      oldMbox.push(raw);
      written++;
    } else if (isStaff) {
      await writeMaildir('Sent', raw, when);
      if (random() < 0.15 && written < options.count) {
        const received = Buffer.concat([
          Buffer.from(`Received: from mail.meridian-port.example.org by mx.meridian-port.example.org; ${formatDate(now + 4000, offset)}\n`),
          raw,
        ]);
        await writeMaildir('INBOX', received, when + 4000);
      }
    } else {
      await writeMaildir(random() < 0.2 ? 'Archive' : 'INBOX', raw, when);
    }
  }

  const mboxText = (messages: Buffer[]) =>
    Buffer.concat(messages.map((raw, i) => mboxEntry(raw, 'demo-list@meridian-port.example.org', start + i * 3_600_000)));
  const paths = [maildir];
  if (listMbox.length > 0) {
    const path = join(options.outDir, 'harbour-list.mbox');
    await writeFile(path, mboxText(listMbox));
    paths.push(path);
  }
  if (oldMbox.length > 0) {
    const path = join(options.outDir, 'archive-2014.mbox.gz');
    await writeFile(path, gzipSync(mboxText(oldMbox)));
    paths.push(path);
  }
  const keyFile = join(options.outDir, 'demo-keys.txt');
  await writeFile(keyFile, formatKeyFile(demoKeyRecords()));
  return { messages: written, paths, keyFile };
}
