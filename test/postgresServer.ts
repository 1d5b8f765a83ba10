import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freeTcpPort } from './nginxServer.js';

/**
 * A real PostgreSQL (Debian's server, installed by scripts/system-deps.sh) of its own: initdb in a
 * temporary directory, listening on a loopback port, stopped with the tests. PostgreSQL refuses to
 * run as root, so under root it runs as the `postgres` user (setpriv, no shell in between).
 */
export interface Postgres {
  readonly port: number;
  /** A new empty database on this server, as a URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

function binDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'postgres'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('no PostgreSQL server in /usr/lib/postgresql: run scripts/system-deps.sh (apt-get install postgresql)');
  return join(base, newest, 'bin');
}

export function hasPostgres(): boolean {
  try {
    binDir();
    return true;
  } catch {
    return false;
  }
}

/** The command line, run as `postgres` when we are root. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args]] : [command, args];
}

export async function startPostgres(options: { durable?: boolean; settings?: Record<string, string> } = {}): Promise<Postgres> {
  const bin = binDir();
  const root = mkdtempSync(join(tmpdir(), 'epistola-pg-'));
  if (process.getuid?.() === 0) chownSync(root, Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim()), Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim()));
  const data = join(root, 'data');
  const user = 'epistola';
  const [initCommand, initArgs] = asServerUser(join(bin, 'initdb'), ['-D', data, '-U', user, '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync']);
  const init = spawnSync(initCommand, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freeTcpPort();
  // Tests do not need durability; benchmarks ask for it (the server's defaults).
  const fast = options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
  fast.push(...Object.entries(options.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]));
  const [command, args] = asServerUser(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', root, '-c', 'listen_addresses=127.0.0.1', ...fast]);
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  // A test process that dies does not leave its server behind.
  const kill = () => child.kill('SIGINT');
  process.once('exit', kill);
  const admin = `postgres://${user}@127.0.0.1:${port}/postgres`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`postgres exited: ${stderr}`);
    const client = new pg.Client({ connectionString: admin });
    const ok = await client.connect().then(
      () => true,
      () => false,
    );
    await client.end().catch(() => undefined);
    if (ok) break;
    if (i > 200) throw new Error(`postgres did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      await client.query(`CREATE DATABASE ${name.replace(/[^a-z0-9_]/g, '_')}`);
      await client.end();
      return `postgres://${user}@127.0.0.1:${port}/${name.replace(/[^a-z0-9_]/g, '_')}`;
    },
    async stop() {
      process.off('exit', kill);
      child.kill('SIGINT');
      await exited;
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Why PostgreSQL tests cannot run here, or false. */
export const noPostgresReason = hasPostgres() ? false : `no PostgreSQL server installed (scripts/system-deps.sh installs it; user ${userInfo().username})`;
