// node bench/attachFiles.mjs <dir of files> <out dir>: one .eml per file, the file attached (for bench/extract.sh).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

const [from, to] = process.argv.slice(2);
mkdirSync(to, { recursive: true });
for (const [i, name] of readdirSync(from).sort().entries()) {
  const mail = new MailComposer({
    from: 'bench@example.org',
    to: 'reader@example.net',
    subject: `File ${name}`,
    text: 'Attached.',
    date: new Date('2021-01-01T00:00:00Z'),
    messageId: `<bench${i}@example.org>`,
    attachments: [{ filename: name, content: readFileSync(join(from, name)) }],
  });
  writeFileSync(join(to, `${i}.eml`), await mail.compile().build());
}
