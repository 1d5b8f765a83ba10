#!/usr/bin/env node
// Entry point: refuse old Node before loading anything (Node 20 decodes windows-1252
// wrongly and the native SQLite binding needs a newer ABI), then run the compiled CLI.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `epistola: Node.js ${process.versions.node} is too old (need >= 22.19). ` +
      'Install Node.js 22.19 or newer; in a clone of the repository, npm start and npm exec epistola use the Node 24 pinned in node_modules.\n',
  );
  process.exit(2);
}
// `epistola show 1 | head`: a closed pipe is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
// V8's compiled code is kept between runs (Node ≥ 22.1): a command starts in about half the time,
// which is what a script calling `epistola search` many times pays. A cache that cannot be written
// (read-only temporary directory) is simply not used.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv);
