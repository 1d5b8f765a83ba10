import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { PSTFile, type PSTFolder, type PSTMessage } from 'pst-extractor';
import type Mail from 'nodemailer/lib/mailer';
import type { SourceItem } from './rawMessage.js';
import { render } from './outlookMsg.js';
import { bodyOfRtf, type RtfBody } from './outlookRtf.js';

/**
 * Outlook .pst / .ost stores (pst-extractor, which reads the file in place: a multi-GB store is not
 * loaded, only the item at hand). Every folder and item, in the store's order, each rendered as MIME
 * like a .msg (ingest/outlookMsg.ts): sender, recipients, dates, bodies, attachments, messages inside
 * messages; its folder is the store's folder path; the Internet headers Outlook kept for received mail
 * ride along as a text/rfc822-headers part, so Received lines and the original DKIM-Signature stay
 * readable; the item is labelled a conversion (PST path and item id). Resume: items are numbered in
 * walk order, which never changes for one file.
 */

/** A PST or OST file starts with "!BDN". */
export function isOutlookStore(first: Buffer): boolean {
  return first.length >= 4 && first.subarray(0, 4).toString('latin1') === '!BDN';
}

/**
 * Runs a pst-extractor call with its console.error silenced: it prints a line for every item type it
 * has no class for (free/busy data, …), which are still read, as plain items.
 */
function quietly<T>(call: () => T): T {
  const error = console.error;
  console.error = () => {};
  try {
    return call();
  } finally {
    console.error = error;
  }
}

/** Messages inside messages are rendered this deep. */
const MAX_INNER_DEPTH = 3;
/** Recipient types in a PST (MAPI PR_RECIPIENT_TYPE). */
const RECIPIENT_KIND: Record<number, 'to' | 'cc' | 'bcc'> = { 1: 'to', 2: 'cc', 3: 'bcc' };

function addressOf(name: string, email: string): Mail.Address | undefined {
  const at = email.includes('@') ? email : '';
  return at || name ? { name, address: at } : undefined;
}

function bytesOf(stream: { length: { toNumber(): number }; readCompletely(target: Buffer): void } | null): Buffer {
  if (!stream) return Buffer.alloc(0);
  const out = Buffer.alloc(stream.length.toNumber());
  stream.readCompletely(out);
  return out;
}

async function mailOfItem(item: PSTMessage, boundary: string, depth: number): Promise<Mail.Options> {
  const recipients: Record<'to' | 'cc' | 'bcc', Mail.Address[]> = { to: [], cc: [], bcc: [] };
  for (let i = 0; i < item.numberOfRecipients; i++) {
    const r = item.getRecipient(i);
    const a = r ? addressOf(r.displayName, r.smtpAddress || r.emailAddress) : undefined;
    if (r && a) recipients[RECIPIENT_KIND[r.recipientType] ?? 'to'].push(a);
  }
  const attachments: Mail.Attachment[] = [];
  for (let i = 0; i < item.numberOfAttachments; i++) {
    const a = item.getAttachment(i);
    const inner = quietly(() => a.embeddedPSTMessage);
    if (inner && depth < MAX_INNER_DEPTH) {
      const innerBoundary = `${boundary}-${i}`;
      const mime = await render(await mailOfItem(inner, innerBoundary, depth + 1), innerBoundary, inventedOf(inner));
      attachments.push({ filename: `${inner.subject || 'message'}.eml`, contentType: 'message/rfc822', contentDisposition: 'attachment', content: mime });
    } else if (!inner) {
      attachments.push({
        filename: a.longFilename || a.filename || `attachment-${i}`,
        content: bytesOf(a.fileInputStream),
        ...(a.contentId ? { cid: a.contentId } : {}),
      });
    }
  }
  if (item.transportMessageHeaders) {
    // What the mail server delivered, as Outlook kept it: a standard MIME type for a header block.
    attachments.push({ filename: 'internet-headers.txt', contentType: 'text/rfc822-headers', content: item.transportMessageHeaders });
  }
  const from = addressOf(item.senderName, item.senderEmailAddress);
  const date = item.messageDeliveryTime ?? item.clientSubmitTime ?? item.creationTime;
  // The formatted body is often only in the RTF (around the HTML): outlookRtf.ts.
  const rtf = item.bodyHTML ? {} : rtfOf(item);
  return {
    ...(from ? { from } : {}),
    ...recipients,
    subject: item.subject,
    ...(item.internetMessageId ? { messageId: item.internetMessageId } : {}),
    ...(item.inReplyToId ? { inReplyTo: item.inReplyToId } : {}),
    ...(date ? { date } : {}),
    text: item.body || rtf.text || '',
    ...(item.bodyHTML || rtf.html ? { html: item.bodyHTML || rtf.html } : {}),
    headers: { 'X-Epistola-Outlook-Class': item.messageClass || 'unknown' },
    attachments,
  };
}

/** The item's RTF body unwrapped; nothing when it has none or pst-extractor cannot read it. */
function rtfOf(item: PSTMessage): RtfBody {
  let rtf = '';
  try {
    rtf = item.bodyRTF;
  } catch {
    return {};
  }
  return rtf ? bodyOfRtf(rtf) : {};
}

function inventedOf(item: PSTMessage): { messageId: boolean; date: boolean } {
  return { messageId: !item.internetMessageId, date: !(item.messageDeliveryTime ?? item.clientSubmitTime ?? item.creationTime) };
}

/** The messages of a PST/OST file, every folder, in the store's order, after the first `resumeAfter` items. */
export async function* readPst(path: string, options: { readonly resumeAfter: string | null }): AsyncGenerator<SourceItem> {
  const skip = options.resumeAfter === null ? 0 : Number(options.resumeAfter);
  let store: PSTFile;
  try {
    store = new PSTFile(path);
  } catch (error) {
    yield { problem: { locator: basename(path), kind: 'unreadable', detail: `not a readable Outlook store: ${(error as Error).message}` } };
    return;
  }
  let position = 0;
  // Depth-first without recursion, sub-folders in the store's order.
  const stack: Array<{ folder: PSTFolder; path: string }> = [{ folder: store.getRootFolder(), path: '' }];
  while (stack.length > 0) {
    const { folder, path: folderPath } = stack.pop()!;
    if (folder.hasSubfolders) {
      const subs = folder.getSubFolders();
      for (let i = subs.length - 1; i >= 0; i--) stack.push({ folder: subs[i]!, path: `${folderPath}/${subs[i]!.displayName}` });
    }
    if (folder.contentCount === 0) continue;
    const next = () => quietly(() => folder.getNextChild() as PSTMessage | null);
    for (let item = next(); item; item = next()) {
      position++;
      if (position <= skip) continue;
      const id = item.descriptorNodeId.toString();
      const locator = `${folderPath.slice(1)}#${id}`;
      const itemClass = item.messageClass || 'unknown';
      // Deterministic bytes: boundaries from the item's identity in the store and its content.
      const boundary = createHash('sha256').update(`${id}\n${item.subject}\n${item.body}`).digest('hex').slice(0, 16);
      try {
        const mail = await mailOfItem(item, boundary, 0);
        const bytes = await render(
          // The store's own folder and item id, not the file's name: the same store copied is the same messages.
          { ...mail, headers: { ...(mail.headers as Record<string, string>), 'X-Epistola-Converted-From': `Outlook store item ${locator}` } },
          boundary,
          inventedOf(item),
        );
        yield {
          message: {
            bytes,
            locator,
            offset: null,
            folder: folderPath.slice(1) || basename(path),
            cursor: String(position),
            envelope: null,
            notes: [
              {
                kind: 'converted-from-outlook',
                detail: `${basename(path)}: ${locator}: ${itemClass}${itemClass === 'IPM.Note' ? '' : ' (not mail: kept and labelled)'}`,
              },
            ],
          },
        };
      } catch (error) {
        yield { problem: { locator, kind: 'unreadable', detail: `an Outlook item that cannot be read: ${(error as Error).message}` } };
      }
    }
  }
}
