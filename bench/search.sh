#!/usr/bin/env bash
# Search benchmark on the 100k demo collection: Epistola vs notmuch and mu, same data, same run.
#   bash bench/search.sh [count]      (BENCH_DIR=dir keeps and reuses the indexes)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-100000}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/epistola-bench.XXXXXX)}
export PATH="$PWD/node_modules/.bin:$PATH"
if ! command -v notmuch >/dev/null || ! command -v mu >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq notmuch maildir-utils >/dev/null
fi
npm run --silent build
[ -f "$WORK/demo/demo.json" ] || node bin/epistola.js demo --out "$WORK/demo" --count "$COUNT" --seed 1 --maildir-only >/dev/null
# Each index is built once (ingest also threads and migrates an older archive).
node bin/epistola.js --data "$WORK/search-epistola" ingest --progress none "$WORK/demo/Maildir" >/dev/null
# Own index folders (bench/ingest.sh rebuilds its own from scratch every run).
mkdir -p "$WORK/search-notmuch"
printf '[database]\npath=%s\nmail_root=%s\n[new]\ntags=inbox\n[maildir]\nsynchronize_flags=false\n' "$WORK/search-notmuch" "$WORK/demo/Maildir" >"$WORK/search-notmuch.conf"
NOTMUCH_CONFIG="$WORK/search-notmuch.conf" notmuch new --quiet
[ -d "$WORK/search-mu/xapian" ] || { mu init --muhome="$WORK/search-mu" --maildir="$WORK/demo/Maildir" >/dev/null; mu index --muhome="$WORK/search-mu" --quiet; }
echo "machine: $(nproc) cores, $(node --version), $(notmuch --version), mu $(mu --version | head -1 | awk '{print $NF}'), $COUNT demo messages"
node dist/bench/search.js "$WORK/search-epistola" "$WORK/search-notmuch.conf" "$WORK/search-mu"
