/**
 * Message-ID normalisation (RFC 5322 §3.6.4): the id is `<left@right>`; archives meet it with
 * and without angle brackets, with surrounding white space and comments. Normalised ids are used
 * to link copies of one message (the Sent and the Inbox copy) and, later, to thread.
 */
export function normaliseMessageId(value: string | null | undefined): string | null {
  if (!value) return null;
  const trimmed = value.trim();
  const bracketed = /<([^<>]+)>/.exec(trimmed);
  const core = (bracketed ? bracketed[1]! : trimmed).replace(/\s+/g, '');
  return core.length > 0 ? core : null;
}

/** All ids in a References / In-Reply-To header value, normalised, in order, without repeats. */
export function parseIdList(value: string | string[] | null | undefined): string[] {
  if (!value) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(/<([^<>]+)>/g)) {
    const id = normaliseMessageId(match[1]);
    if (id && !seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  }
  if (ids.length === 0) {
    // Some mailers omit the brackets: fall back to white-space separated tokens with an '@'.
    for (const token of text.split(/\s+/)) {
      const id = normaliseMessageId(token);
      if (id && id.includes('@') && !seen.has(id)) {
        seen.add(id);
        ids.push(id);
      }
    }
  }
  return ids;
}
