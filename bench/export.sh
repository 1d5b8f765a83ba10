#!/usr/bin/env bash
# Export benchmark: a full export of the demo collection (time, size, peak memory, Pagefind shards),
# then a 1,000-message release: incremental export time, and the bytes an incremental
# "mirror sync" transfers compared with rsync (Debian package) for the same change.
#
#   bash bench/export.sh [count]        # default 100000 demo messages (one published release)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-100000}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/epistola-bench.XXXXXX)}
export PATH="$PWD/node_modules/.bin:$PATH"   # the pinned Node 24
command -v rsync >/dev/null && [ -x /usr/bin/time ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsync time >/dev/null; }
npm run --silent build
E="node bin/epistola.js --data $WORK/export-data"

timed() { # label, command...: prints "label seconds peak_mb"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.log" "$@" >"$WORK/out.log" 2>&1 || { cat "$WORK/out.log" >&2; exit 1; }
  read -r s kb <"$WORK/time.log"; echo "$label $s $((kb / 1024))"
}

if [ ! -f "$WORK/export-data/epistola.json" ]; then
  node bin/epistola.js demo --out "$WORK/demo-export" --count "$COUNT" --seed 1 --maildir-only >/dev/null
  $E ingest --no-verify --progress none "$WORK/demo-export/Maildir" >/dev/null
  $E release create --title "Part 1" --all-remaining >/dev/null
  $E release publish 1 >/dev/null
fi
rm -rf "$WORK/site" "$WORK/mirror" "$WORK/rsync-mirror"
echo "machine: $(nproc) cores, $(node --version), $(rsync --version | head -1 | awk '{print $1, $3}')"
timed "full export" $E export "$WORK/site" --json
node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(`  ${j.messages} messages, ${j.files} files, ${(j.bytes/1048576).toFixed(1)} MB`)' "$WORK/out.log"
echo "  search index: $(du -sb "$WORK/site/search" | cut -f1) bytes in $(find "$WORK/site/search" -type f | wc -l) files"
FP=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).fingerprint)' "$WORK/out.log")

# Mirrors at the first export: ours, and an rsync copy.
node bin/epistola.js mirror sync "$WORK/site" "$WORK/mirror" --key "$FP" --json >/dev/null
rsync -a "$WORK/site/" "$WORK/rsync-mirror/"

# A 1,000-message release.
node bin/epistola.js demo --out "$WORK/demo-1k" --count 1000 --seed 7 --maildir-only >/dev/null
$E ingest --no-verify --progress none "$WORK/demo-1k/Maildir" >/dev/null
$E release create --title "Part 2" --all-remaining >/dev/null
$E release publish 2 >/dev/null
timed "incremental export (+1k release)" $E export "$WORK/site" --json
node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(`  ${j.written} files written, ${j.removed} removed, manifest ${j.sequence}`)' "$WORK/out.log"
node bin/epistola.js mirror sync "$WORK/site" "$WORK/mirror" --key "$FP" --json >"$WORK/sync.json"
node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(`mirror sync: ${j.downloaded} files, ${j.downloadedBytes} bytes transferred, ${j.reused} unchanged`)' "$WORK/sync.json"
# rsync's delta algorithm as it would run between two hosts (--no-whole-file: locally it would copy whole files).
rsync -a --delete --no-whole-file --stats "$WORK/site/" "$WORK/rsync-mirror/" | awk '/Total bytes sent|Total bytes received|Literal data|Number of regular files transferred/ {print "rsync: " $0}'
# Static search at this size: bytes and requests a reader's browser needs per query (Chromium, nginx).
node dist/bench/staticQuery.js "$WORK/site" harbour dredging 'équatorien' 'tug operator' zzzznotfound
