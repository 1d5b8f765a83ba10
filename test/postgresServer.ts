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
  /** A read-only streaming replica of this server; `urlOf(name)` names a database there. */
  startReplica(): Promise<{ port: number; urlOf(name: string): string; stop(): Promise<void> }>;
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

/** Starts `postgres` on a data directory and waits until it accepts connections. */
async function runServer(bin: string, socketDir: string, data: string, port: number, settings: Record<string, string>): Promise<{ stop(): Promise<void> }> {
  const flags = Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const [command, args] = asServerUser(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', ...flags]);
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  // A test process that dies does not leave its server behind.
  const kill = () => child.kill('SIGINT');
  process.once('exit', kill);
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`postgres exited: ${stderr}`);
    const client = new pg.Client({ connectionString: `postgres://epistola@127.0.0.1:${port}/postgres` });
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
    async stop() {
      process.off('exit', kill);
      child.kill('SIGINT');
      await exited;
    },
  };
}

export async function startPostgres(options: { durable?: boolean; settings?: Record<string, string> } = {}): Promise<Postgres> {
  const bin = binDir();
  const root = mkdtempSync(join(tmpdir(), 'epistola-pg-'));
  if (process.getuid?.() === 0)
    chownSync(root, Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim()), Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim()));
  const data = join(root, 'data');
  const user = 'epistola';
  const [initCommand, initArgs] = asServerUser(join(bin, 'initdb'), ['-D', data, '-U', user, '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync']);
  const init = spawnSync(initCommand, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freeTcpPort();
  // Tests do not need durability; benchmarks ask for it (the server's defaults).
  const settings: Record<string, string> = options.durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };
  const server = await runServer(bin, root, data, port, { ...settings, ...options.settings });
  const admin = `postgres://${user}@127.0.0.1:${port}/postgres`;
  return {
    port,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      await client.query(`CREATE DATABASE ${name.replace(/[^a-z0-9_]/g, '_')}`);
      await client.end();
      return `postgres://${user}@127.0.0.1:${port}/${name.replace(/[^a-z0-9_]/g, '_')}`;
    },
    async startReplica() {
      // A streaming hot standby of this server (pg_basebackup -R), on its own port.
      const replicaData = join(root, `replica-${Date.now()}`);
      const [backup, backupArgs] = asServerUser(join(bin, 'pg_basebackup'), [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        user,
        '-D',
        replicaData,
        '-R',
        '-X',
        'stream',
        '--checkpoint=fast',
      ]);
      const copied = spawnSync(backup, backupArgs, { encoding: 'utf8' });
      if (copied.status !== 0) throw new Error(`pg_basebackup failed: ${copied.stderr}`);
      const replicaPort = await freeTcpPort();
      const replica = await runServer(bin, root, replicaData, replicaPort, settings);
      return {
        port: replicaPort,
        urlOf: (name: string) => `postgres://${user}@127.0.0.1:${replicaPort}/${name.replace(/[^a-z0-9_]/g, '_')}`,
        stop: replica.stop,
      };
    },
    async stop() {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Why PostgreSQL tests cannot run here, or false. */
export const noPostgresReason = hasPostgres() ? false : `no PostgreSQL server installed (scripts/system-deps.sh installs it; user ${userInfo().username})`;
