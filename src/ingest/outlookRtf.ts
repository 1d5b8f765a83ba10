import { decompressRTF } from '@kenjiuno/decompressrtf';
import { deEncapsulateSync } from 'rtf-stream-parser';
import iconv from 'iconv-lite';

/**
 * The body Outlook keeps in RTF. An Outlook item often has its formatted body only there: the HTML
 * the sender wrote, wrapped in RTF (`\fromhtml1`), or plain text wrapped the same way (`\fromtext`).
 * Both are unwrapped by rtf-stream-parser (its code pages decoded with iconv-lite). RTF that wraps
 * nothing (Outlook's own rich text: calendar items, memos) is not converted: the item's plain text
 * stays its only body, as before.
 */
export interface RtfBody {
  readonly html?: string;
  readonly text?: string;
}

/** Unwraps an RTF body (decompressed), or returns nothing when it wraps no HTML or text, or is damaged. */
export function bodyOfRtf(rtf: Buffer | string): RtfBody {
  try {
    const result = deEncapsulateSync(rtf, { mode: 'either', decode: (bytes: Buffer, encoding: string) => iconv.decode(bytes, encoding) });
    const content = typeof result.text === 'string' ? result.text : result.text.toString('utf8');
    return result.mode === 'html' ? { html: content } : { text: content };
  } catch {
    return {};
  }
}

/** The same for PR_RTF_COMPRESSED as a .msg holds it. */
export function bodyOfCompressedRtf(compressed: Uint8Array): RtfBody {
  let rtf: Buffer;
  try {
    rtf = Buffer.from(decompressRTF(Array.from(compressed)));
  } catch {
    return {};
  }
  return bodyOfRtf(rtf);
}
