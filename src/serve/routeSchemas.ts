/**
 * What each route accepts in its address, checked once by Fastify before the handler runs: a
 * repeated parameter (`?q=a&q=b` arrives as a list), an over-long one or a value outside its set is
 * a 400 page naming it, never an exception deeper down.
 */

/** Longer queries are not what a person types; they only cost the server. */
export const MAX_QUERY_CHARS = 2000;
/** A cursor is base64url JSON of four numbers and a word: far below this. */
const MAX_CURSOR_CHARS = 512;

const LANG = { type: 'string', maxLength: 16 } as const;

export const SEARCH_QUERY = {
  type: 'object',
  properties: {
    q: { type: 'string', maxLength: MAX_QUERY_CHARS },
    sort: { type: 'string', enum: ['relevance', 'date'] },
    cursor: { type: 'string', maxLength: MAX_CURSOR_CHARS },
    lang: LANG,
  },
} as const;

export const API_SEARCH_QUERY = {
  ...SEARCH_QUERY,
  properties: { ...SEARCH_QUERY.properties, limit: { type: 'integer', minimum: 1, maximum: 1_000_000 }, facets: { type: 'string', enum: ['all'] } },
} as const;

/** The facets a search counts (archiveStore.ts FacetName). */
const FACET_NAMES = ['senders', 'recipients', 'months', 'folders', 'releases', 'dkim', 'attachmentTypes', 'languages'] as const;

export const FACET_QUERY = {
  ...SEARCH_QUERY,
  required: ['facet'],
  properties: { ...SEARCH_QUERY.properties, facet: { type: 'string', enum: FACET_NAMES } },
} as const;

/** An e-mail address is at most 254 characters (RFC 5321). */
export const ADDRESS_PARAMS = {
  type: 'object',
  properties: { address: { type: 'string', minLength: 1, maxLength: 320 } },
} as const;
