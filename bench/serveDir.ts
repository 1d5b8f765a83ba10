import { startNginx } from '../test/nginxServer.js';

/**
 * Serves a directory with nginx on a loopback port (the same server the tests start) and prints its
 * URL; stops nginx on SIGTERM or SIGINT. For benchmarks that need a plain web server as origin.
 *   node dist/bench/serveDir.js <dir> <work dir>
 */
const [dir, work] = process.argv.slice(2);
if (!dir || !work) throw new Error('usage: serveDir.js <dir> <work dir>');
const nginx = await startNginx(dir, work);
process.stdout.write(`${nginx.url}\n`);
const stop = () => void nginx.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setInterval(() => undefined, 1 << 30);
