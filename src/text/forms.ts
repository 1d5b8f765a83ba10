import { STEMMERS, stemmable, stemOf } from './stems.js';
import { segmentRun, UNSPACED, WORD } from './words.js';

/**
 * What the full-text index holds of a text besides its words as written: the words of each run of
 * unspaced script (Chinese, Japanese, Thai), in order so that phrases match, and the distinct stems of
 * its words in the message's language, marked (STEM_MARK). Both stores index this text in columns of
 * their own beside the text (schema 10), made in the parse workers at ingest.
 */
export function wordForms(lang: string | null, text: string): string {
  const out: string[] = [];
  const stems = lang !== null && STEMMERS[lang] ? new Set<string>() : null;
  for (const [word] of text.matchAll(WORD)) {
    if (UNSPACED.test(word)) {
      const words = segmentRun(word);
      if (words.length > 1) out.push(...words);
    } else if (stems && stemmable(word)) {
      stems.add(stemOf(lang!, word.toLowerCase())!);
    }
  }
  if (stems) out.push(...stems);
  return out.join(' ');
}

/** A message's forms, by part of the index. */
export interface MessageForms {
  readonly subject: string;
  readonly body: string;
}

/** Text beyond this many characters adds no forms (a pasted log): its words as written stay searchable. */
export const FORMS_SOURCE_CHARS = 200_000;

export function messageForms(lang: string | null, subject: string | null, body: string): MessageForms {
  return { subject: wordForms(lang, subject ?? ''), body: wordForms(lang, body.slice(0, FORMS_SOURCE_CHARS)) };
}
