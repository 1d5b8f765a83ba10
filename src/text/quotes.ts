/**
 * Quoted text: the lines of a reply that repeat what it answers ("> …"). The reader folds long runs
 * of them (web/views/mailBody.tsx), and search counts a word there for less than a word the message
 * writes itself (store/sqlite/compileQuery.ts), so that a reply quoting a message does not outrank it.
 */
export function isQuotedLine(line: string): boolean {
  return /^\s*>/.test(line);
}

/**
 * The quoted lines of a plain-text body, in order, one a line. A separate copy of them goes to the
 * full-text index; it holds only words the body holds too, so it changes ranking, never what matches
 * a single word (phrases are kept out of it: compileQuery.ts).
 */
export function quotedText(text: string | null | undefined): string {
  if (!text || !text.includes('>')) return '';
  return text.split('\n').filter(isQuotedLine).join('\n');
}
