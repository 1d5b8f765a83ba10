#!/usr/bin/env bash
# SQLite vs PostgreSQL on the same demo collection, same run: ingest, search p50/p95/p99 with facets,
# and web req/s with one and two serve processes against PostgreSQL (two behind nginx).
#   bash bench/stores.sh [count]       (BENCH_DIR=dir keeps the generated mail)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-100000}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/epistola-bench.XXXXXX)}
export PATH="$PWD/node_modules/.bin:$PATH"
bash scripts/system-deps.sh
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
npm run --silent build
[ -f "$WORK/demo/demo.json" ] || node bin/epistola.js demo --out "$WORK/demo" --count "$COUNT" --seed 1 --maildir-only >/dev/null
rm -rf "$WORK/sqlite" "$WORK/pg" "$WORK/nginx"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB, $(node --version), PostgreSQL $(ls /usr/lib/postgresql | sort -n | tail -1), $COUNT demo messages"
node dist/bench/stores.js "$WORK" "$WORK/demo/Maildir"
