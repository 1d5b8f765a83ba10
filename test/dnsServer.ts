import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';

/**
 * A real DNS server on loopback for the tests: Debian's dnsmasq, answering only the TXT records
 * given, forwarding nothing (--no-resolv), so no query ever leaves the machine.
 */
export interface DnsServer {
  readonly address: string;
  stop(): Promise<void>;
}

function freeUdpPort(): Promise<number> {
  return new Promise((done, fail) => {
    const socket = createSocket('udp4');
    socket.once('error', fail);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => done(port));
    });
  });
}

export async function startDnsServer(txt: ReadonlyArray<{ name: string; record: string }>): Promise<DnsServer> {
  const port = await freeUdpPort();
  const args = [
    '--keep-in-foreground',
    '--no-resolv',
    '--no-hosts',
    '--no-poll',
    '--bind-interfaces',
    '--listen-address=127.0.0.1',
    `--port=${port}`,
    '--pid-file=',
    '--log-facility=-',
  ];
  // TXT strings are at most 255 bytes: long key records are sent as several strings.
  for (const { name, record } of txt) args.push(`--txt-record=${name},${(record.match(/.{1,255}/g) ?? ['']).join(',')}`);
  const binary = process.env.DNSMASQ ?? '/usr/sbin/dnsmasq';
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const spawnError = new Promise<never>((_, fail) =>
    child.once('error', (e) => fail(new Error(`cannot start ${binary} (run scripts/system-deps.sh): ${e.message}`))),
  );
  const address = `127.0.0.1:${port}`;
  // Ready when it answers.
  const probe = new Resolver({ timeout: 200, tries: 1 });
  probe.setServers([address]);
  for (let i = 0; i < 50; i++) {
    const answered = await Promise.race([
      probe.resolveTxt('probe.invalid').then(
        () => true,
        (e: NodeJS.ErrnoException) => e.code === 'ENOTFOUND' || e.code === 'ENODATA',
      ),
      spawnError,
    ]);
    if (answered) break;
    if (child.exitCode !== null) throw new Error(`dnsmasq exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
