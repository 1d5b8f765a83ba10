#!/usr/bin/env bash
# Command-line start-to-answer time: `epistola search <word>` and `epistola stats` against
# `notmuch search` / `notmuch count` and `mu find`, every tool a whole process, interleaved rounds,
# on the same demo Maildir (bench/cli.ts prints min, median and ratios).
#   bash bench/cli.sh [count] [rounds]     (BENCH_DIR=dir keeps and reuses the indexes)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-100000}
ROUNDS=${2:-15}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/epistola-cli.XXXXXX)}
export PATH="$PWD/node_modules/.bin:$PATH"
npm run --silent build
[ -f "$WORK/demo/demo.json" ] || node bin/epistola.js demo --out "$WORK/demo" --count "$COUNT" --seed 1 --maildir-only >/dev/null
[ -f "$WORK/epistola/epistola.json" ] || node bin/epistola.js --data "$WORK/epistola" ingest --progress none "$WORK/demo/Maildir" >/dev/null
. "$(dirname "$0")/peers.sh"
index_peers "$WORK/demo/Maildir" "$WORK/notmuch" "$WORK/mu"
echo "machine: $(nproc) cores, $(node --version), $(notmuch --version), mu $(mu --version | head -1 | awk '{print $NF}'), $COUNT demo messages, $ROUNDS rounds"
node dist/bench/cli.js "$WORK/epistola" "$WORK/notmuch.conf" "$WORK/mu" "$ROUNDS"
