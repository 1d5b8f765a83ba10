#!/usr/bin/env bash
# What each search fast path is worth, and the public reader's speed, on the 100k demo collection.
#   bash bench/searchPaths.sh [count]      (BENCH_DIR=dir reuses bench/search.sh's archive)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-100000}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/epistola-bench.XXXXXX)}
export PATH="$PWD/node_modules/.bin:$PATH"
npm run --silent build
[ -f "$WORK/demo/demo.json" ] || node bin/epistola.js demo --out "$WORK/demo" --count "$COUNT" --seed 1 --maildir-only >/dev/null
node bin/epistola.js --data "$WORK/search-epistola" ingest --progress none "$WORK/demo/Maildir" >/dev/null
echo "machine: $(nproc) cores, $(node --version), $COUNT demo messages"
node dist/bench/searchPaths.js "$WORK/search-epistola/archive.sqlite"
