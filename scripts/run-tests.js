// Runs the compiled test files with Node's test runner (lint and build ran in "pretest").
// Tests that need the shared corpus skip themselves, with the reason, when it is absent.
// System programs the tests run for real are installed first by scripts/system-deps.sh.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? find(path) : name.endsWith('.test.js') ? [path] : [];
  });
}

// Real servers the tests start (dnsmasq, later Chromium, PostgreSQL, nginx) are installed first when missing.
const deps = spawnSync('bash', ['scripts/system-deps.sh'], { stdio: 'inherit' });
if (deps.status !== 0) process.exit(deps.status ?? 1);

const files = find('dist/test').sort();
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...files, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
