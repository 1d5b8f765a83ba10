import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyArchive } from '../src/verify/keyArchive.js';
import { parseKeyFile } from '../src/verify/keyFile.js';
import { verifyMessage } from '../src/verify/verifyMessage.js';

/**
 * Verifications per second on the real signed samples of ../shared/corpus/dkim (real-world mail,
 * peer test vectors, 99 gmail-signed list messages), keys.json as the key archive, one thread.
 *   node dist/bench/verifyCorpus.js [corpus dir] [rounds]
 */
const dir = join(process.argv[2] ?? '../shared/corpus', 'dkim');
const rounds = Number(process.argv[3] ?? 20);
const keys = new KeyArchive(parseKeyFile(readFileSync(join(dir, 'keys.json'), 'utf8'), { source: 'corpus', seen: '2024-01-01' }).records);
const files = [
  ...(JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Array<{ file: string }>).map((e) => join(dir, e.file)),
  ...(JSON.parse(readFileSync(join(dir, 'gmail-list', 'expected.json'), 'utf8')) as Array<{ file: string }>).map((e) => join(dir, 'gmail-list', e.file)),
];
const messages = files.map((f) => readFileSync(f));
let signatures = 0;
for (const raw of messages) signatures += (await verifyMessage(raw, { keys })).signatures.length; // warm-up
const started = performance.now();
for (let r = 0; r < rounds; r++) for (const raw of messages) await verifyMessage(raw, { keys });
const seconds = (performance.now() - started) / 1000;
const n = messages.length * rounds;
console.log(
  JSON.stringify({
    messages: messages.length,
    signatures,
    rounds,
    seconds: Number(seconds.toFixed(2)),
    messagesPerSecond: Math.round(n / seconds),
    signaturesPerSecond: Math.round((signatures * rounds) / seconds),
  }),
);
