/** The JSON API, described for clients (served at /api/openapi.json). */

const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } } as const;
const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const notFound = {
  description: 'no such message, thread or address',
  content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' } } } } },
};

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Epistola archive API',
    version: '1',
    description: 'Read-only. Every HTML page has its JSON twin here. Search and people routes are rate limited per client (HTTP 429).',
  },
  paths: {
    '/api/stats': { get: { summary: 'Figures about the collection', responses: { 200: json('messages, dates, attachments, DKIM verdict counts') } } },
    '/api/search': {
      get: {
        summary: 'Search with the query language (docs/query-syntax.md)',
        parameters: [
          { name: 'q', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'sort', in: 'query', schema: { enum: ['relevance', 'date'] } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
          { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page' },
          {
            name: 'facets',
            in: 'query',
            schema: { enum: ['all'] },
            description: 'every value of every facet (default: the first 10 senders, recipients, folders and types)',
          },
        ],
        responses: {
          200: json(
            'total, hits (message summary + snippet), facets (with distinct: how many values each has), nextCursor, suggestion (for a first page that found nothing: {query, total} of the nearest query that finds something, or null)',
          ),
          400: json('the query error, with its position'),
          429: json('rate limited'),
        },
      },
    },
    '/api/emails/{id}': {
      get: {
        summary: 'One message: headers, text, attachments, verification report, provenance',
        parameters: [id],
        responses: { 200: json('the message'), 404: notFound },
      },
    },
    '/api/threads/{id}': { get: { summary: 'The messages of a thread', parameters: [id], responses: { 200: json('threadId, messages'), 404: notFound } } },
    '/api/people/{address}': {
      get: {
        summary: 'An address: messages sent and received, with whom, when',
        parameters: [{ name: 'address', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: json('counts and facets'), 404: notFound },
      },
    },
    '/api/releases': { get: { summary: 'The published releases', responses: { 200: json('number, title, publishAt, messages') } } },
    '/api/releases/{id}': {
      get: { summary: 'One published release and its latest messages', parameters: [id], responses: { 200: json('the release'), 404: notFound } },
    },
    '/api/keys': { get: { summary: 'The DKIM key archive', responses: { 200: json('every key record with its sightings and the messages it signs') } } },
  },
} as const;
