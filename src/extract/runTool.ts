import { spawn } from 'node:child_process';

/** A command-line tool that is not installed: the stage goes on without it and says so. */
export class ToolMissing extends Error {}

export interface ToolRun {
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly code: number | null;
  /** Killed at its budget. */
  readonly timedOut: boolean;
}

/** Runs one of the Debian tools the stage uses (tesseract, pdftoppm, pdftotext), killed at `timeoutMs`. */
export function runTool(command: string, args: readonly string[], timeoutMs: number): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new ToolMissing(`${command} is not installed (scripts/system-deps.sh installs it)`) : error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: err, code, timedOut });
    });
  });
}
