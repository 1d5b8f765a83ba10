// Language detection on short mail: accuracy, time per message and memory of the detector chosen
// (franc over the languages with a stemmer, as src/text/language.ts runs it) beside eld.
//   node bench/language.mjs <archive.sqlite of the demo> [../shared/corpus/linux-mips/linux-mips-2017.mboxrd.gz]
// Labels: the demo's thread topics (English or French) and scripts (Chinese, Japanese); every
// linux-mips message is English (patches, code and all: what a real list holds). Each sample is what
// ingest reads (languageSample: the subject and the text outside quotes).
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { eld } from 'eld/extrasmall';
import { detectLanguage, languageSample } from '../dist/src/text/language.js';
import { TOPICS_EN, TOPICS_FR } from '../dist/src/demo/corpusText.js';

const [archive, mips] = process.argv.slice(2);
const samples = [];
for (const r of new Database(archive, { readonly: true }).prepare('SELECT subject, text_body FROM messages').all()) {
  const topic = (r.subject ?? '').replace(/^(re|fwd)\s*:\s*/i, '').replace(/^(Newsletter|Lettre d’information)\s*:\s*/, '');
  const subject = r.subject ?? '';
  const lang = TOPICS_EN.includes(topic)
    ? 'en'
    : TOPICS_FR.includes(topic)
      ? 'fr'
      : /[\u3040-\u30ff]/.test(subject)
        ? 'ja'
        : /[\u4e00-\u9fff]/.test(subject)
          ? 'zh'
          : null;
  if (lang) samples.push({ lang, text: languageSample(r.subject, r.text_body) });
}
if (mips) {
  const messages = gunzipSync(readFileSync(mips))
    .toString('utf8')
    .split(/\n(?=From )/);
  for (const m of messages) {
    const i = m.indexOf('\n\n');
    const subject = /^Subject: (.*)$/m.exec(m.slice(0, Math.max(i, 0)))?.[1] ?? '';
    if (i > 0) samples.push({ lang: 'en', text: languageSample(subject, m.slice(i + 2)) });
  }
}
const detectors = { 'franc (Epistola)': detectLanguage, 'eld extrasmall': (t) => eld.detect(t).language };
const by = {};
for (const s of samples) by[s.lang] = (by[s.lang] ?? 0) + 1;
console.log('samples', by);
for (const [name, detect] of Object.entries(detectors)) {
  const right = {};
  const start = performance.now();
  for (const s of samples) if (detect(s.text) === s.lang) right[s.lang] = (right[s.lang] ?? 0) + 1;
  const us = ((performance.now() - start) / samples.length) * 1000;
  const rates = Object.entries(by).map(([l, n]) => `${l} ${(((right[l] ?? 0) / n) * 100).toFixed(1)}%`);
  console.log(`${name.padEnd(18)} ${rates.join('  ')}  ${us.toFixed(0)} µs a message`);
}
