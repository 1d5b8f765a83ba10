#!/usr/bin/env bash
# Ingest cost of a change: two builds of Epistola (two checkouts, each built with `npm run build`)
# ingest the same Maildir, interleaved, without verification; wall, CPU and peak RSS per run.
#   bash bench/compareIngest.sh <old checkout> <new checkout> <maildir> [rounds]
# e.g. git worktree add /tmp/old <commit> && ln -s "$PWD/node_modules" /tmp/old/ && (cd /tmp/old && npx tsc -p .)
#      node bin/epistola.js --data /tmp/gen demo --out /tmp/mail --count 10000 --seed 3 --maildir-only
#      bash bench/compareIngest.sh /tmp/old . /tmp/mail/Maildir
set -euo pipefail
OLD=$1 NEW=$2 MAILDIR=$3 ROUNDS=${4:-3}
export PATH="$(cd "$(dirname "$0")/.." && pwd)/node_modules/.bin:$PATH"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for round in $(seq 1 "$ROUNDS"); do
  for side in old new; do
    root=$([ "$side" = old ] && echo "$OLD" || echo "$NEW")
    /usr/bin/time -f "$side round $round: %e s wall, %U+%S s CPU, %M KB peak RSS" \
      node "$root/bin/epistola.js" --data "$WORK/$side" ingest "$MAILDIR" --no-verify >/dev/null
    rm -rf "${WORK:?}/$side"
  done
done
