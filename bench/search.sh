#!/usr/bin/env bash
# Search benchmark on the 100k demo collection: Epistola vs notmuch and mu, same data, same run.
#   bash bench/search.sh [count]      (BENCH_DIR=dir keeps and reuses the indexes)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-100000}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/epistola-bench.XXXXXX)}
export PATH="$PWD/node_modules/.bin:$PATH"
npm run --silent build
[ -f "$WORK/demo/demo.json" ] || node bin/epistola.js demo --out "$WORK/demo" --count "$COUNT" --seed 1 --maildir-only >/dev/null
# Each index is built once (ingest also threads and migrates an older archive).
node bin/epistola.js --data "$WORK/search-epistola" ingest --progress none "$WORK/demo/Maildir" >/dev/null
# Own index folders (bench/ingest.sh rebuilds its own from scratch every run).
. "$(dirname "$0")/peers.sh"
index_peers "$WORK/demo/Maildir" "$WORK/search-notmuch" "$WORK/search-mu"
echo "machine: $(nproc) cores, $(node --version), $(notmuch --version), mu $(mu --version | head -1 | awk '{print $NF}'), $COUNT demo messages"
node dist/bench/search.js "$WORK/search-epistola" "$WORK/search-notmuch.conf" "$WORK/search-mu"
