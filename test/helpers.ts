import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/). */
export const projectRoot = resolve(fileURLToPath(new URL('../../', import.meta.url)));
export const cliPath = join(projectRoot, 'bin', 'epistola.js');

/** The shared real-mail corpus, present in CI (../shared/corpus), maybe absent elsewhere. */
export const corpusDir = resolve(process.env.EPISTOLA_CORPUS ?? join(projectRoot, '..', 'shared', 'corpus'));
export const hasCorpus = existsSync(join(corpusDir, 'README.md'));
export const noCorpusReason = hasCorpus ? false : `no corpus at ${corpusDir} (set EPISTOLA_CORPUS; CI has it)`;

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(prefix = 'epistola-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs the real CLI in a child process (same Node binary as the tests). */
export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd ?? projectRoot,
      env: { ...process.env, EPISTOLA_DATA: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout: Buffer.concat(out), stderr: err }));
  });
}

/** Runs the CLI and parses its stdout as JSON, failing loudly with stderr when it did not succeed. */
export async function cliJson<T>(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<T> {
  const result = await runCli(args, options);
  if (result.code !== 0) throw new Error(`epistola ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout.toString()) as T;
}

/** A test's skip reason when a shell check fails (a Debian tool missing), else false. */
export function missingUnless(check: string, reason: string): string | false {
  try {
    execFileSync('sh', ['-c', check], { stdio: 'ignore' });
    return false;
  } catch {
    return reason;
  }
}

/** Every file an export directory's manifest lists (format 2: read from its parts), as path → sha256. */
export function manifestFiles(root: string): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as {
    files?: Array<{ path: string; sha256: string }>;
    parts?: Array<{ name: string; path: string }>;
  };
  const files = new Map((manifest.files ?? []).map((f) => [f.path, f.sha256]));
  for (const part of manifest.parts ?? []) {
    for (const [path, , sha256] of (JSON.parse(readFileSync(join(root, part.path), 'utf8')) as { files: Array<[string, number, string]> }).files)
      files.set(path, sha256);
  }
  return files;
}
