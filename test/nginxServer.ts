import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * A real nginx (Debian's package, installed by scripts/system-deps.sh) serving one directory on a
 * loopback port, with its own config, logs and temp dirs under `work`: one per "data centre".
 */
export interface Nginx {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export function freeTcpPort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * `root` is a directory to serve, or `{ upstreams }`: the loopback ports of web nodes to balance
 * requests over (round robin), as a site with several `epistola serve` processes would.
 */
export async function startNginx(
  root: string | { upstreams: readonly number[] },
  work: string,
  port?: number,
  /** nginx's limit_rate for every response (e.g. "32k"): a slow site, to stop a download halfway. */
  limitRate?: string,
): Promise<Nginx> {
  const p = port ?? (await freeTcpPort());
  mkdirSync(join(work, 'tmp'), { recursive: true });
  const conf = join(work, 'nginx.conf');
  const site =
    typeof root === 'string'
      ? `  server { listen 127.0.0.1:${p}; root ${root}; index index.html;${limitRate ? ` limit_rate ${limitRate};` : ''} }`
      : // Keep-alive connections to the nodes (without them nginx opens a TCP connection per request).
        `  upstream nodes { ${root.upstreams.map((u) => `server 127.0.0.1:${u};`).join(' ')} keepalive 32; }
  server { listen 127.0.0.1:${p}; location / { proxy_pass http://nodes; proxy_http_version 1.1; proxy_set_header Connection "";
    proxy_set_header Host $host; proxy_set_header X-Forwarded-For $remote_addr; add_header X-Upstream $upstream_addr always; } }`;
  writeFileSync(
    conf,
    `daemon off; master_process off; worker_processes 1; pid ${join(work, 'nginx.pid')}; error_log ${join(work, 'error.log')};
events { worker_connections 256; }
http {
  access_log off; include /etc/nginx/mime.types; default_type application/octet-stream;
  client_body_temp_path ${join(work, 'tmp')}; proxy_temp_path ${join(work, 'tmp')}; fastcgi_temp_path ${join(work, 'tmp')};
  uwsgi_temp_path ${join(work, 'tmp')}; scgi_temp_path ${join(work, 'tmp')};
${site}
}
`,
  );
  const child: ChildProcess = spawn(process.env.NGINX ?? '/usr/sbin/nginx', ['-c', conf, '-p', work], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${p}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    const up = await fetch(`${url}/`, { signal: AbortSignal.timeout(500) }).then(
      () => true,
      () => false,
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port: p,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
