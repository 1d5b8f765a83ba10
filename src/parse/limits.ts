/**
 * Limits on untrusted input, each with the attack or accident it stops. A message beyond a limit
 * is still stored raw; only the parsing is reduced, and a warning says so.
 */

/** Messages larger than this are stored raw and parsed for headers only: stops a multi-GB part exhausting memory. */
export const MAX_PARSE_BYTES = 256 * 1024 * 1024;

/** More MIME parts than this: parse headers only. Stops "multipart nested thousands deep" bombs. */
export const MAX_MIME_PARTS = 2000;

/** Byte ranges scanned with regular expressions for charset/boundary/base64 checks: keeps checks linear and cheap. */
export const MAX_SCAN_BYTES = 16 * 1024 * 1024;

/** How deep attached messages (message/rfc822 inside message/rfc822 …) are opened for indexing. */
export const MAX_EMBEDDED_DEPTH = 3;

/** Text kept for the full-text index per message (body plus attached messages): bounds index growth. */
export const MAX_INDEXED_TEXT_CHARS = 2 * 1024 * 1024;

/** HTML larger than this is not converted to text for indexing (html-to-text is super-linear on some input). */
export const MAX_HTML_TO_TEXT_CHARS = 4 * 1024 * 1024;

/** A worker that takes longer than this on one message is stopped; the message is stored raw. Stops parser hangs. */
export const PARSE_TIMEOUT_MS = 120_000;

/** Attachments beyond this count are kept in the raw message but not listed separately: stops row explosions. */
export const MAX_ATTACHMENTS = 1000;
