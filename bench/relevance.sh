#!/usr/bin/env bash
# Known-item relevance on a real list (linux-mips 2017 from ../shared/corpus): Epistola (SQLite;
# PostgreSQL too with EPISTOLA_PG=postgres://…), public-inbox, notmuch and mu on the same Maildir and
# the same queries. Prints the table recorded in docs/benchmarks.md ("Relevance").
#   bash bench/relevance.sh [work dir]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
WORK=${1:-/tmp/epistola-relevance}
MBOX=${CORPUS:-../shared/corpus}/linux-mips/linux-mips-2017.mboxrd.gz
source bench/peers.sh
if ! command -v public-inbox-index >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq public-inbox >/dev/null
fi
npm run build >/dev/null
mkdir -p "$WORK"
[ -d "$WORK/maildir/cur" ] || node dist/bench/relevance.js maildir "$MBOX" "$WORK/maildir"
[ -f "$WORK/epistola/archive.sqlite" ] || node bin/epistola.js --data "$WORK/epistola" ingest "$WORK/maildir" --no-verify >/dev/null
if [ -n "${EPISTOLA_PG:-}" ]; then node bin/epistola.js --data "$WORK/epistola-pg" --database "$EPISTOLA_PG" ingest "$WORK/maildir" --no-verify >/dev/null; fi
index_peers "$WORK/maildir" "$WORK/notmuch" "$WORK/mu"
# public-inbox: a v2 inbox made by public-inbox-init, the messages added through its importer.
export PI_CONFIG="$WORK/piconf"
if [ ! -f "$WORK/public-inbox/.imported" ]; then
  rm -rf "$WORK/public-inbox" "$PI_CONFIG"
  public-inbox-init -V2 bench "$WORK/public-inbox" http://localhost/bench bench@example.org </dev/null
  perl bench/publicInbox.pl import "$WORK/maildir" </dev/null
  touch "$WORK/public-inbox/.imported"
fi
node dist/bench/relevance.js run "$WORK" ${EPISTOLA_PG:+"$EPISTOLA_PG"}
