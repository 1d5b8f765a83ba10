import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import type * as msgreader from '@kenjiuno/msgreader';
import { getLcidToAnsiCodePages } from '@kenjiuno/msgreader/lib/Defs.js';
import { bodyOfCompressedRtf } from './outlookRtf.js';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import type { ParseWarning } from '../mail/warnings.js';

/**
 * Outlook .msg items, turned into MIME so that the rest of the pipeline (parser, index, reader)
 * treats them as any message. Outlook keeps no RFC 822 bytes for most items, so the rendering is
 * ours (nodemailer's composer, deterministic: the same item always gives the same bytes, so a
 * re-run or a resume finds it known), and the item itself is kept beside it, byte for byte, as an
 * attachment of the rendering. It is labelled as a conversion (X-Epistola-Converted-From), and the
 * pipeline says so on the message (the `converted-from-outlook` warning): its DKIM cannot be
 * checked, because these are not the bytes that were signed.
 */

// A CommonJS package whose class is `exports.default`: required as such, not guessed through ESM interop.
const MsgReader = (createRequire(import.meta.url)('@kenjiuno/msgreader') as typeof msgreader.default).default;
type MsgReaderClass = InstanceType<typeof MsgReader>;
type FieldsData = msgreader.FieldsData;

/** An OLE compound file, the container of .msg (and of old Office documents, hence the name check too). */
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

export function isOutlookMsg(name: string, first: Buffer): boolean {
  return /\.msg$/i.test(name) && first.length >= 8 && first.subarray(0, 8).equals(OLE_MAGIC);
}

/** The name the original item is attached under. */
export const ORIGINAL_NAME = 'original.msg';

/** Messages inside messages are rendered this deep, like MAX_EMBEDDED_DEPTH for MIME. */
const MAX_INNER_DEPTH = 3;

/** Windows code pages by locale, for items whose text is not Unicode (older Outlook, CP932 Japanese mail). */
const ANSI_BY_LOCALE = getLcidToAnsiCodePages() as Record<number, number[]>;

function read(bytes: Buffer): { reader: MsgReaderClass; fields: FieldsData } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = new MsgReader(view);
  const fields = reader.getFileData();
  const codePage = fields.messageLocaleId !== undefined ? ANSI_BY_LOCALE[fields.messageLocaleId]?.[0] : undefined;
  if (codePage === undefined || codePage === 1252) return { reader, fields };
  // Non-Unicode strings are in the code page of the item's locale: read again with it.
  const again = new MsgReader(view);
  again.parserConfig = { ansiEncoding: String(codePage) };
  return { reader: again, fields: again.getFileData() };
}

function address(name: string | undefined, email: string | undefined): Mail.Address | undefined {
  const at = email && email.includes('@') ? email : undefined;
  if (!at && !name) return undefined;
  return { name: name ?? '', address: at ?? '' };
}

function recipients(fields: FieldsData, kind: 'to' | 'cc' | 'bcc'): Mail.Address[] {
  return (fields.recipients ?? [])
    .filter((r) => (r.recipType ?? 'to') === kind)
    .map((r) => address(r.name, r.smtpAddress ?? r.email))
    .filter((a): a is Mail.Address => a !== undefined);
}

/** Which header lines the composer would make up for this item (it has none of its own). */
function inventedOf(fields: FieldsData): { messageId: boolean; date: boolean } {
  return { messageId: !fields.messageId, date: !dateOf(fields) };
}

function dateOf(fields: FieldsData): Date | undefined {
  const text = fields.messageDeliveryTime ?? fields.clientSubmitTime ?? fields.creationTime;
  const ms = text ? Date.parse(text) : NaN;
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** The composer's options for one item (and, inside it, its attached items). */
async function mailOf(
  fields: FieldsData,
  attachment: (a: FieldsData) => { fileName: string; content: Uint8Array },
  boundary: string,
  depth: number,
): Promise<Mail.Options> {
  const attachments: Mail.Attachment[] = [];
  for (const [index, a] of (fields.attachments ?? []).entries()) {
    if (a.innerMsgContent && a.innerMsgContentFields && depth < MAX_INNER_DEPTH) {
      // Each message inside gets boundaries of its own (they must not meet the outer ones).
      const innerBoundary = `${boundary}-${index}`;
      const innerMail = await mailOf(a.innerMsgContentFields, attachment, innerBoundary, depth + 1);
      const inner = await render(innerMail, innerBoundary, inventedOf(a.innerMsgContentFields));
      attachments.push({ filename: `${a.name ?? 'message'}.eml`, contentType: 'message/rfc822', contentDisposition: 'attachment', content: inner });
    } else if (!a.innerMsgContent) {
      const { fileName, content } = attachment(a);
      attachments.push({ filename: fileName || a.name || 'attachment', content: Buffer.from(content), ...(a.pidContentId ? { cid: a.pidContentId } : {}) });
    }
  }
  const from = address(fields.senderName, fields.senderSmtpAddress ?? fields.senderEmail);
  // Most items keep their formatted body only as compressed RTF around the HTML (outlookRtf.ts).
  const rtf = !fields.bodyHtml && fields.compressedRtf ? bodyOfCompressedRtf(fields.compressedRtf) : {};
  return {
    ...(from ? { from } : {}),
    to: recipients(fields, 'to'),
    cc: recipients(fields, 'cc'),
    bcc: recipients(fields, 'bcc'),
    subject: fields.subject ?? '',
    ...(fields.messageId ? { messageId: fields.messageId } : {}),
    ...(dateOf(fields) ? { date: dateOf(fields) } : {}),
    text: fields.body || rtf.text || '',
    ...(fields.bodyHtml || rtf.html ? { html: fields.bodyHtml || rtf.html } : {}),
    headers: { 'X-Epistola-Outlook-Class': fields.messageClass ?? 'unknown' },
    attachments,
  };
}

/**
 * The composer's bytes for a message, deterministic: boundaries from the item's hash, and no
 * Message-ID or Date made up when the item has none (the composer's would change on every run).
 */
export async function render(mail: Mail.Options, boundary: string, invented: { messageId: boolean; date: boolean }): Promise<Buffer> {
  const mime = await new Promise<Buffer>((resolve, reject) => {
    const node = new MailComposer({ ...mail, baseBoundary: boundary } as Mail.Options).compile();
    // The Bcc line is part of what the item says (the Sent copy of a message): kept.
    (node as unknown as { keepBcc: boolean }).keepBcc = true;
    node.build((error, message) => (error ? reject(error) : resolve(message)));
  });
  return withoutInvented(mime, invented);
}

/**
 * The MIME rendering of a .msg file, with the file itself attached as it came (ORIGINAL_NAME), and
 * the item's class (IPM.Note is mail; IPM.Appointment, IPM.Contact, IPM.Task … are kept too, labelled).
 */
export async function msgToMime(bytes: Buffer): Promise<{ mime: Buffer; itemClass: string }> {
  const { reader, fields } = read(bytes);
  const digest = createHash('sha256').update(bytes).digest('hex');
  const boundary = digest.slice(0, 16);
  const mail = await mailOf(fields, (a) => reader.getAttachment(a), boundary, 0);
  const mime = await render(
    {
      ...mail,
      // Nothing of where the file was (its name is in the message's locations): the same item found
      // under another name is the same message.
      headers: { ...(mail.headers as Record<string, string>), 'X-Epistola-Converted-From': `Outlook .msg item (sha256 ${digest})` },
      attachments: [...(mail.attachments ?? []), { filename: ORIGINAL_NAME, content: bytes, contentType: 'application/vnd.ms-outlook' }],
    },
    boundary,
    inventedOf(fields),
  );
  return { mime, itemClass: fields.messageClass ?? 'unknown' };
}

/** Removes the top-level header lines the composer makes up. */
function withoutInvented(mime: Buffer, drop: { messageId: boolean; date: boolean }): Buffer {
  if (!drop.messageId && !drop.date) return mime;
  const end = mime.indexOf('\r\n\r\n');
  const head = mime.subarray(0, end).toString('latin1');
  const lines = head.split(/\r\n(?![ \t])/).filter((line) => !(drop.messageId && /^message-id:/i.test(line)) && !(drop.date && /^date:/i.test(line)));
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), mime.subarray(end)]);
}

/**
 * An Outlook item as the pipeline takes it: the rendering, with a note that says so (and which
 * kind of item it was). An item the reader cannot read is kept as it came, with the reason.
 */
export async function outlookItem(bytes: Buffer, fileName: string): Promise<{ bytes: Buffer; notes: ParseWarning[] }> {
  try {
    const { mime, itemClass } = await msgToMime(bytes);
    return {
      bytes: mime,
      notes: [
        { kind: 'converted-from-outlook', detail: `${basename(fileName)}: ${itemClass}${itemClass === 'IPM.Note' ? '' : ' (not mail: kept and labelled)'}` },
      ],
    };
  } catch (error) {
    return {
      bytes,
      notes: [
        {
          kind: 'converted-from-outlook',
          detail: `${basename(fileName)} could not be read as an Outlook item (${(error as Error).message}): stored as it came`,
        },
      ],
    };
  }
}
