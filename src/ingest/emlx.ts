/**
 * Apple Mail's .emlx: a line with the message's length in bytes, the RFC 822 message itself, then a
 * property list (flags, dates) that is Apple Mail's, not the message's. The message keeps its bytes
 * exactly (DKIM needs them).
 */

/** The plist Apple Mail appends after the message. */
const PLIST_START = Buffer.from('<?xml');

/**
 * The RFC 822 bytes of an .emlx file. The declared length is honoured when it is right (the
 * message then ends where the property list begins, or at the end of the file); when it is wrong
 * or missing, the message is everything before the last property list (and `lengthWrong` says so).
 * Null when the file does not start with a length line at all.
 */
export function emlxMessage(bytes: Buffer): { message: Buffer; lengthWrong: boolean } | null {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0 || newline > 20) return null;
  const head = bytes.subarray(0, newline).toString('latin1').trim();
  if (!/^\d+$/.test(head)) return null;
  const start = newline + 1;
  const declared = Number(head);
  const end = start + declared;
  if (end <= bytes.length) {
    const rest = bytes.subarray(end).toString('latin1').trimStart();
    if (rest === '' || rest.startsWith('<?xml')) return { message: bytes.subarray(start, end), lengthWrong: false };
  }
  const plist = bytes.lastIndexOf(PLIST_START);
  return { message: bytes.subarray(start, plist > start ? plist : bytes.length), lengthWrong: true };
}

/**
 * The mailbox an .emlx belongs to, from its directory: Apple Mail keeps `Work.mbox/…/Messages/1.emlx`
 * (and `Archive.mbox/Sub.mbox/…` for nested mailboxes), so the folder is the `.mbox` directories'
 * names; null when the path has none.
 */
export function appleMailbox(relDir: string): string | null {
  const boxes = relDir
    .split('/')
    .filter((segment) => /\.(mbox|imapmbox)$/i.test(segment))
    .map((segment) => segment.replace(/\.(mbox|imapmbox)$/i, ''));
  return boxes.length > 0 ? boxes.join('/') : null;
}
