const FROM_LINE = /^From [^\r\n]*\r?\n/;

/**
 * A message file that begins with an mbox `From ` envelope line (common in exported .eml files)
 * loses that line: it is not part of the message, and it is kept as the envelope.
 */
export function withoutEnvelope(bytes: Buffer): { message: Buffer; envelope: string | null } {
  if (bytes[0] === 0x46 && bytes.subarray(0, 5).toString('latin1') === 'From ') {
    const match = FROM_LINE.exec(bytes.subarray(0, 4096).toString('latin1'));
    if (match) return { message: bytes.subarray(match[0].length), envelope: match[0].replace(/\r?\n$/, '') };
  }
  return { message: bytes, envelope: null };
}
