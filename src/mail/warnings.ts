/** Kinds of problems found in a message. Each is recorded, counted in stats, and never stops an ingest. */
export const WARNING_KINDS = {
  'no-headers': 'the message does not start with a header block',
  'nul-in-header': 'a header contains a NUL byte',
  'date-missing': 'no Date header',
  'date-invalid': 'the Date header cannot be parsed',
  'message-id-missing': 'no Message-ID header',
  'charset-unknown': 'a part declares a charset we cannot decode (decoded as UTF-8/Latin-1 instead)',
  'base64-invalid': 'a base64 part contains characters outside the base64 alphabet',
  'multipart-truncated': 'a multipart body has no closing boundary (truncated message?)',
  'mime-too-deep': 'too many nested MIME parts: headers only were parsed',
  'too-large': 'message larger than the parse limit: headers only were parsed',
  'parse-failed': 'the MIME parser rejected the message: headers only were parsed',
  'parse-crashed': 'parsing stopped (crash or time limit): the message is stored raw, its header fields recovered by the tolerant pass where possible',
  'headers-reduced': 'the header block was too large for the MIME parser: its main fields were read by the tolerant pass, cut to their limits',
  'attachments-truncated': 'more attachments than the limit: the rest stay in the raw message only',
  'converted-from-outlook':
    'an Outlook item (.msg): what is stored is its MIME rendering, with the original file attached to it; DKIM cannot be checked on a rendering',
} as const;

export type WarningKind = keyof typeof WARNING_KINDS;

export interface ParseWarning {
  readonly kind: WarningKind;
  readonly detail: string;
}

/**
 * Whether a message is a converter's rendering, as the reader that read it said (never from its
 * bytes, which anyone can write): its DKIM verdict is `not-checkable`.
 */
export function isConversion(warnings: ReadonlyArray<{ readonly kind: string }> | undefined): boolean {
  return warnings?.some((w) => w.kind === 'converted-from-outlook') ?? false;
}
