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
if ! command -v notmuch >/dev/null || ! command -v mu >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq notmuch maildir-utils >/dev/null
fi
npm run --silent build
[ -f "$WORK/demo/demo.json" ] || node bin/epistola.js demo --out "$WORK/demo" --count "$COUNT" --seed 1 --maildir-only >/dev/null
[ -f "$WORK/epistola/epistola.json" ] || node bin/epistola.js --data "$WORK/epistola" ingest --progress none "$WORK/demo/Maildir" >/dev/null
mkdir -p "$WORK/notmuch"
printf '[database]\npath=%s\nmail_root=%s\n[new]\ntags=inbox\n[maildir]\nsynchronize_flags=false\n' "$WORK/notmuch" "$WORK/demo/Maildir" >"$WORK/notmuch.conf"
[ -d "$WORK/notmuch/.notmuch" ] || [ -d "$WORK/notmuch/xapian" ] || NOTMUCH_CONFIG="$WORK/notmuch.conf" notmuch new --quiet
[ -d "$WORK/mu/xapian" ] || { mu init --muhome="$WORK/mu" --maildir="$WORK/demo/Maildir" >/dev/null; mu index --muhome="$WORK/mu" --quiet; }
echo "machine: $(nproc) cores, $(node --version), $(notmuch --version), mu $(mu --version | head -1 | awk '{print $NF}'), $COUNT demo messages, $ROUNDS rounds"
node dist/bench/cli.js "$WORK/epistola" "$WORK/notmuch.conf" "$WORK/mu" "$ROUNDS"
