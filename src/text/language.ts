import { createRequire } from 'node:module';

/**
 * franc is loaded at its first use, not with this module (25 ms of every command's start, and only
 * an ingest detects languages); Node's require of an ES module is synchronous, as detection is.
 */
const requireLazily = createRequire(import.meta.url);
let francOf: typeof import('franc').franc | undefined;
function franc(...args: Parameters<typeof import('franc').franc>): string {
  francOf ??= (requireLazily('franc') as typeof import('franc')).franc;
  return francOf(...args);
}

/**
 * The language a message is written in, detected once at ingest (one per message, so an archive may
 * mix languages). Unspaced and single-script languages are told by their script; the others by franc
 * over the languages that have a stemmer (stems.ts), the only ones where knowing the language changes
 * what search finds, after a cheaper vote of function words. Measured with bench/language.mjs on
 * what ingest reads: 98.3% right on 10,472 English messages (the demo's and the linux-mips 2017 list,
 * patches and all; franc alone on 150 characters, before, was 89.6% on the list), 100% on 4,804
 * French ones; ~5 µs a message when function words decide, ~0.1–0.5 ms when franc must (14 MB).
 * eld was as right but loads 90 MB or more into every parse worker.
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

/**
 * How much text is read to decide. Function words are counted in all of it (cheap); franc reads
 * the first FRANC_CHARS (its cost grows with the text).
 */
const SAMPLE_CHARS = 1000;
const FRANC_CHARS = 300;
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
/**
 * Frequent little words that one language among those detected uses and the others do not (words
 * shared with another of them, such as "la", "que", "die", "den" or "to", are left out). A
 * sample where one language has most of them is decided without franc, which costs ~0.1–0.5 ms a
 * message: franc was 10% of the parse threads' time (profiled) and most mail is in these languages.
 */
const FUNCTION_WORDS: Readonly<Record<string, string>> = {
  eng: 'the and that this with have has not you they which would there been should please thanks are from but',
  fra: 'le les est une pour dans nous vous pas sur avec sont au aux cette mais être merci bonjour ils elle par très été',
  deu: 'der das und ist nicht mit ein eine dem sich auch auf für wir ich sie zu von bitte danke werden wird',
  spa: 'los las está pero más muy gracias hola y también porque hay',
};
const WORD_LANGUAGE = new Map(Object.entries(FUNCTION_WORDS).flatMap(([lang, words]) => words.split(' ').map((word) => [word, lang] as const)));
/** A language decided by function words needs this many of them, and this many times the next language's. */
const MIN_FUNCTION_WORDS = 2;
const FUNCTION_WORD_MARGIN = 3;
const LATIN_WORD = /\p{L}+/gu;

function byFunctionWords(text: string): string | null {
  const hits = new Map<string, number>();
  for (const [word] of text.toLowerCase().matchAll(LATIN_WORD)) {
    const lang = WORD_LANGUAGE.get(word);
    if (lang) hits.set(lang, (hits.get(lang) ?? 0) + 1);
  }
  const [best, second = 0] = [...hits.values()].sort((a, b) => b - a);
  if (best === undefined || best < MIN_FUNCTION_WORDS || best < FUNCTION_WORD_MARGIN * second) return null;
  return [...hits].find(([, n]) => n === best)![0];
}

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
  const found = byFunctionWords(text) ?? franc(text.slice(0, FRANC_CHARS), { minLength: MIN_LETTERS, only: ONLY });
  return ISO1[found] ?? null;
}
