// Writes each message of an mbox (also .gz) as a file of a Maildir's cur/, with Epistola's own
// mbox reader, so that tools which only read Maildirs (mu, notmuch) get the same messages.
//   node bench/mboxToMaildir.mjs <mbox> <maildir> [prefix]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMboxFile } from '../dist/src/ingest/mboxReader.js';

const [mbox, maildir, prefix = 'm'] = process.argv.slice(2);
for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
let n = 0;
for await (const item of readMboxFile(mbox, mbox.endsWith('.gz'), { folder: 'INBOX' })) {
  if ('message' in item) writeFileSync(join(maildir, 'cur', `${prefix}-${String(++n).padStart(6, '0')}:2,S`), item.message.bytes);
}
console.log(`${n} messages`);
