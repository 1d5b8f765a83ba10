/**
 * The SQL both stores read the search stage's in-memory columns and snippets from (search/): the
 * same columns in the same order on SQLite and PostgreSQL.
 */

/** The messages columns a FacetMessageRow is read from, in the order facetRowOf takes them. */
export const FACET_MESSAGE_COLUMNS = 'id, from_addr, date_utc, folder, release_number, dkim_verdict, attachment_count';

/** Every attachment's file name and type (inline ones too): what facetIndex.ts attachmentFileValues takes. */
export const ATTACHMENT_FILES_SQL = 'SELECT message, filename, content_type FROM attachments';

/** The (message, language) rows of the language column: read apart from the other columns, through their own index (messages_lang). */
export const LANGUAGES_SQL = 'SELECT id, lang FROM messages WHERE lang IS NOT NULL';

/** The columns a snippet is made from (SnippetRow), as every store names them. */
export const SNIPPET_COLUMNS =
  'id, subject, text_body, search_extra, search_from, search_to, search_cc, search_bcc, search_attachments, search_attachment_text, lang';
