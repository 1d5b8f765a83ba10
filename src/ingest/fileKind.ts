/** What tells a mail file from another, by name and first bytes: shared by files on disk and archive entries. */

export const MBOX_EXTENSIONS = new Set(['.mbox', '.mbx', '.mbs', '.mboxrd']);
export const EML_EXTENSIONS = new Set(['.eml', '.msg822', '.txt']);
/** A header field at the very start: a message file. */
export const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]+:/;

/** An mbox by content: an envelope line first, a header field after it. */
export function looksLikeMbox(text: string): boolean {
  return text.startsWith('From ') && /\n[\x21-\x39\x3b-\x7e]+:/.test(text);
}
