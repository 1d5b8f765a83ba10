import { franc } from 'franc';

/**
 * The language a message is written in, detected once at ingest (one per message, so an archive may
 * mix languages). Unspaced and single-script languages are told by their script; the others by franc
 * over the languages that have a stemmer (stems.ts), the only ones where knowing the language changes
 * what search finds. Measured on short mail (bench/language.ts): franc 98.5% right on 500 English
 * list messages and 100% on 1,542 French ones, at ~0.3 ms a message and 14 MB; eld was 99.8% but
 * loads 90 MB or more into every parse worker.
 */

/** ISO 639-3 (franc) → ISO 639-1 (what the archive stores and `lang:` takes), for the languages with a stemmer. */
const ISO1: Readonly<Record<string, string>> = {
  eng: 'en',
  fra: 'fr',
  deu: 'de',
  spa: 'es',
  por: 'pt',
  ita: 'it',
  nld: 'nl',
  swe: 'sv',
  dan: 'da',
  nob: 'no',
  fin: 'fi',
  hun: 'hu',
  ron: 'ro',
  rus: 'ru',
  tur: 'tr',
  cat: 'ca',
  ces: 'cs',
};
const ONLY = Object.keys(ISO1);

/** Languages the detector can name: those of ISO1 and those told by script. */
export const DETECTED_LANGUAGES: readonly string[] = [...Object.values(ISO1), 'zh', 'ja', 'ko', 'th', 'ar', 'el', 'he'];

/** How much text is read to decide: enough for franc, bounded per message. */
const SAMPLE_CHARS = 150;
/** Below this many letters nothing is said (a one-line "ok" has no language worth a guess). */
const MIN_LETTERS = 12;

/** The text to detect from: subject and body without quoted lines (a reply quotes another language as often as not). */
export function languageSample(subject: string | null, body: string | null): string {
  const own = (body ?? '')
    .slice(0, SAMPLE_CHARS * 4)
    .split('\n')
    .filter((line) => !line.startsWith('>'))
    .join('\n');
  return `${subject ?? ''}\n${own}`.slice(0, SAMPLE_CHARS);
}

const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const HAN = /\p{Script=Han}/gu;
/** Languages that are the only common one of their script. */
const SCRIPTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\p{Script=Hangul}/gu, 'ko'],
  [/\p{Script=Thai}/gu, 'th'],
  [/\p{Script=Arabic}/gu, 'ar'],
  [/\p{Script=Greek}/gu, 'el'],
  [/\p{Script=Hebrew}/gu, 'he'],
];

/** Letters of an alphabet to one character of Chinese or Japanese, roughly, as information goes. */
const CHARS_PER_WORD = 4;

/** The language of a text (ISO 639-1), or null when there is too little text or no clear answer. */
export function detectLanguage(text: string): string | null {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters < MIN_LETTERS) return null;
  const count = (re: RegExp) => text.match(re)?.length ?? 0;
  const kana = count(KANA);
  const han = count(HAN);
  // A Chinese or Japanese character is about a word, an English word about 4–5 letters: by words, a
  // message in Chinese with an English footer or P.S. is mostly Chinese.
  const byWords = (chars: number) => chars * CHARS_PER_WORD >= letters - chars;
  // Japanese mixes kana and kanji; Chinese has kanji only.
  if (kana > 0 && byWords(kana + han)) return 'ja';
  if (byWords(han)) return 'zh';
  for (const [re, lang] of SCRIPTS) if (count(re) >= letters * 0.3) return lang;
  const found = franc(text, { minLength: MIN_LETTERS, only: ONLY });
  return ISO1[found] ?? null;
}
