import { spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/**
 * Command-line start-to-answer time, as a user running it in a script gets it: every tool run as a
 * whole process, in interleaved rounds (Epistola, notmuch, mu, again), min and median wall time and
 * the ratios to notmuch. Usage: node dist/bench/cli.js <epistola data dir> <notmuch config> <mu home> [rounds]
 */
const [dataDir, notmuchConfig, muHome, roundsText] = process.argv.slice(2);
if (!dataDir || !notmuchConfig || !muHome) throw new Error('usage: cli.js <epistola data dir> <notmuch config> <mu home> [rounds]');
const rounds = Number(roundsText ?? 15);
const epistola = ['bin/epistola.js', '--data', dataDir];
const WORDS = ['budget', 'dredging', 'harbour', 'quay', 'ferry'];

interface Case {
  readonly label: string;
  readonly tools: ReadonlyArray<{ readonly tool: string; readonly command: string; readonly args: readonly string[]; readonly env?: NodeJS.ProcessEnv }>;
}
const CASES: Case[] = [
  ...WORDS.map((word) => ({
    label: `search ${word}`,
    tools: [
      { tool: 'epistola', command: process.execPath, args: [...epistola, 'search', '--limit', '20', word] },
      { tool: 'notmuch', command: 'notmuch', args: ['search', '--limit=20', word], env: { NOTMUCH_CONFIG: notmuchConfig } },
      { tool: 'mu', command: 'mu', args: ['find', `--muhome=${muHome}`, '--maxnum=20', word] },
    ],
  })),
  {
    // Node.js itself, before any module of ours: the floor of a command written for it.
    label: 'Node.js alone (node -e 0)',
    tools: [
      { tool: 'epistola', command: process.execPath, args: ['-e', '0'] },
      { tool: 'notmuch', command: 'notmuch', args: ['--version'] },
    ],
  },
  {
    // What starting costs before any work: the floor under every other case.
    label: 'start only (--version)',
    tools: [
      { tool: 'epistola', command: process.execPath, args: ['bin/epistola.js', '--version'] },
      { tool: 'notmuch', command: 'notmuch', args: ['--version'] },
      { tool: 'mu', command: 'mu', args: ['--version'] },
    ],
  },
  {
    label: 'count everything',
    tools: [
      { tool: 'epistola', command: process.execPath, args: [...epistola, 'stats'] },
      { tool: 'notmuch', command: 'notmuch', args: ['count', '*'], env: { NOTMUCH_CONFIG: notmuchConfig } },
    ],
  },
];

const times = new Map<string, number[]>();
for (let round = 0; round < rounds; round++) {
  for (const c of CASES) {
    for (const t of c.tools) {
      const started = performance.now();
      const run = spawnSync(t.command, t.args, { env: { ...process.env, ...t.env }, stdio: ['ignore', 'ignore', 'pipe'] });
      const ms = performance.now() - started;
      // mu find exits 4 when nothing matches: an answer, not a failure.
      if (run.status !== 0 && !(t.tool === 'mu' && run.status === 4)) throw new Error(`${t.command} ${t.args.join(' ')}: exit ${run.status} ${run.stderr}`);
      const key = `${c.label}|${t.tool}`;
      times.set(key, [...(times.get(key) ?? []), ms]);
    }
  }
}
const min = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`| case | epistola min / median ms | notmuch min / median ms | mu min / median ms | epistola ÷ notmuch (min, median) |`);
console.log('|---|---|---|---|---|');
for (const c of CASES) {
  const of = (tool: string) => times.get(`${c.label}|${tool}`);
  const cell = (xs: number[] | undefined) => (xs ? `${min(xs).toFixed(0)} / ${median(xs).toFixed(0)}` : '—');
  const e = of('epistola')!;
  const n = of('notmuch')!;
  console.log(`| ${c.label} | ${cell(e)} | ${cell(n)} | ${cell(of('mu'))} | ${(min(e) / min(n)).toFixed(1)}× , ${(median(e) / median(n)).toFixed(1)}× |`);
}

/**
 * `epistola serve`: from launch to the first answered request (the home page and a search), as a
 * user starting it gets it. The server says where it listens once it does; until then each poll is
 * refused.
 */
interface FirstAnswer {
  readonly listening: number;
  readonly home: number;
  readonly search: number;
}
async function firstAnswer(): Promise<FirstAnswer> {
  const started = performance.now();
  const child = spawn(process.execPath, [...epistola, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const found = /at (http:\/\/\S+)/.exec(out);
        if (found) resolve(found[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    });
    const listening = performance.now() - started;
    const get = async (path: string) => {
      const response = await fetch(`${url}${path}`);
      if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
      await response.text();
      return performance.now() - started;
    };
    return { listening, home: await get('/'), search: await get('/search?q=harbour') };
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
  }
}

const answers: FirstAnswer[] = [];
for (let round = 0; round < Math.min(rounds, 5); round++) answers.push(await firstAnswer());
const ms = (pick: (a: FirstAnswer) => number) => `${min(answers.map(pick)).toFixed(0)} / ${median(answers.map(pick)).toFixed(0)}`;
console.log(`\n| serve, from launch (${answers.length} runs) | min / median ms |\n|---|---|`);
console.log(`| listening | ${ms((a) => a.listening)} |\n| home page answered | ${ms((a) => a.home)} |\n| then a search answered | ${ms((a) => a.search)} |`);
