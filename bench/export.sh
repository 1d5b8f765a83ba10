#!/usr/bin/env bash
# Export benchmark (issue 19): the demo collection as one published release; a full export (time,
# peak memory, files, bytes, search index); then a 1,000-message second release: the incremental
# export's time and pages rendered, and the bytes a mirror transfers for that change, measured in
# the same run for `epistola mirror sync` (delta packs, from nginx) and rsync --no-whole-file -z
# (its delta algorithm as between two hosts); then static search in Chromium (bytes, requests, time
# per query page, cold and warm) and, with ZIM=1, the ZIM edition.
#
#   bash bench/export.sh [count]        # default 100000 demo messages
#   BENCH_DIR=/tmp/b1m bash bench/export.sh 1000000
# Disk at 1M: base archive 8.9 GB, its copy 4.7 GB (blobs linked), the export ~21 GB, and each mirror
# seeded by links still makes the copy's directories (millions, a block each): keep 60 GB free.
# The ingested archive is kept in $BENCH_DIR/base-data and copied for each run, so a run can be
# repeated (with other code) without generating and ingesting again.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-100000}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/epistola-bench.XXXXXX)}
mkdir -p "$WORK"
export PATH="$PWD/node_modules/.bin:$PATH"   # the pinned Node 24
command -v rsync >/dev/null && [ -x /usr/bin/time ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsync time >/dev/null; }
[ -n "${EPISTOLA_NO_BUILD:-}" ] || npm run --silent build # the test of the benchmarks builds first
E="node bin/epistola.js --data $WORK/export-data"

timed() { # label, command...: prints "label seconds peak_mb"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.log" "$@" >"$WORK/out.log" 2>&1 || { cat "$WORK/out.log" >&2; exit 1; }
  read -r s kb <"$WORK/time.log"; echo "$label: ${s} s, peak RSS $((kb / 1024)) MB"
}
field() { node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(process.argv.slice(2).map((k)=>k.split(".").reduce((o,p)=>o?.[p],j)).join(" "))' "$@"; }

echo "machine: $(nproc) cores, $(node --version), $(rsync --version | head -1 | awk '{print $1, $3}'), $COUNT demo messages"
if [ ! -f "$WORK/base-data/epistola.json" ]; then
  rm -rf "$WORK/base-data"
  timed "demo generation" node bin/epistola.js demo --out "$WORK/demo-export" --count "$COUNT" --seed 1 --maildir-only
  timed "ingest (no verification, no extraction)" node bin/epistola.js --data "$WORK/base-data" ingest --no-verify --no-extract --progress none "$WORK/demo-export/Maildir"
  node bin/epistola.js --data "$WORK/base-data" release create --title "Part 1" --all-remaining >/dev/null
  node bin/epistola.js --data "$WORK/base-data" release publish 1 >/dev/null
  rm -rf "$WORK/demo-export"
fi
rm -rf "$WORK/export-data" "$WORK/site" "$WORK"/.site.* "$WORK/mirror" "$WORK/rsync-mirror"
# The database is copied; the blobs are hard-linked (content-addressed, never written in place): 8.9 GB at 1M.
mkdir -p "$WORK/export-data"
for f in "$WORK/base-data"/*; do [ "$(basename "$f")" = blobs ] || cp -a "$f" "$WORK/export-data/"; done
cp -al "$WORK/base-data/blobs" "$WORK/export-data/blobs"

timed "full export" $E export "$WORK/site" --json
field "$WORK/out.log" messages files bytes rendered | awk '{printf "  %d messages, %d files, %.1f MB, %d message pages rendered\n", $1, $2, $3/1048576, $4}'
echo "  search index: $(du -sb "$WORK/site/search" | cut -f1) bytes in $(find "$WORK/site/search" -type f | wc -l) files; segments beside: $(du -sb "$WORK/.site.search-segments" | cut -f1) bytes"
echo "  bulk download: $(stat -c %s "$WORK/site/releases/1/release-1.mbox.gz") bytes (releases/1/release-1.mbox.gz)"
FP=$(field "$WORK/out.log" fingerprint)

# Mirrors at the first export: ours over HTTP from nginx, and an rsync copy.
node dist/bench/serveDir.js "$WORK/site" "$WORK/nginx" >"$WORK/nginx.url" &
NGINX_PID=$!
trap 'kill $NGINX_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$WORK/nginx.url" ] && break; sleep 0.2; done
ORIGIN=$(cat "$WORK/nginx.url")
if [ "${FIRST_COPY:-sync}" = links ]; then
  # FIRST_COPY=links (used at 1M): both mirrors start as hard-link copies of the export, as a mirror
  # seeded from a disk would; neither `mirror sync` nor rsync writes a file in place, so the copies
  # stay apart. The first sync over HTTP is measured at 100k.
  mkdir -p "$WORK/mirror/snapshots"
  SEQ=$(field "$WORK/out.log" sequence)
  cp -al "$(readlink -f "$WORK/site")" "$WORK/mirror/snapshots/$SEQ" && ln -s "snapshots/$SEQ" "$WORK/mirror/current"
  cp -al "$(readlink -f "$WORK/site")" "$WORK/rsync-mirror"
  echo "  mirrors seeded with hard links (FIRST_COPY=links)"
else
  timed "first mirror sync (all files, HTTP)" node bin/epistola.js mirror sync "$ORIGIN" "$WORK/mirror" --key "$FP" --json
  rsync -a "$WORK/site/" "$WORK/rsync-mirror/"
fi

# A 1,000-message release.
node bin/epistola.js demo --out "$WORK/demo-1k" --count 1000 --seed 7 --maildir-only >/dev/null
$E ingest --no-verify --no-extract --progress none "$WORK/demo-1k/Maildir" >/dev/null
$E release create --title "Part 2" --all-remaining >/dev/null
$E release publish 2 >/dev/null
timed "incremental export (+1k release)" $E export "$WORK/site" --json
field "$WORK/out.log" written removed rendered sequence | awk '{printf "  %d files written, %d removed, %d message pages rendered, manifest %d\n", $1, $2, $3, $4}'
timed "mirror sync (+1k release, HTTP)" node bin/epistola.js mirror sync "$ORIGIN" "$WORK/mirror" --key "$FP" --json
SYNC=$(field "$WORK/out.log" downloadedBytes packBytes packs fromPacks downloaded)
echo "  mirror sync: $SYNC" | awk '{printf "  mirror sync: %d bytes transferred (%d in %d delta pack(s), %d files from packs, %d files one by one)\n", $3, $4, $5, $6, $7}'
# rsync's delta algorithm with compression, as it would run between two hosts (--no-whole-file: locally it would copy whole files).
RSYNC=$(rsync -az --delete --no-whole-file --stats "$WORK/site/" "$WORK/rsync-mirror/" | awk -F': ' '/Total bytes sent/ {gsub(/,/,"",$2); s=$2} /Total bytes received/ {gsub(/,/,"",$2); r=$2} END {print s+r}')
echo "  rsync -az --no-whole-file: $RSYNC bytes sent and received"
node -e 'const [s, r] = process.argv.slice(1).map(Number); console.log(`  mirror sync / rsync: ${(s / r).toFixed(2)}×`)' "$(echo "$SYNC" | cut -d' ' -f1)" "$RSYNC"

# Static search at this size: bytes and requests a reader's browser needs per query (Chromium, nginx).
node dist/bench/staticQuery.js "$WORK/site" harbour dredging 'équatorien' 'tug operator' 'harbour master dredging' zzzznotfound
if [ "${ZIM:-0}" = 1 ]; then
  timed "ZIM edition" $E export "$WORK/site" --zim "$WORK/site.zim" --json
  field "$WORK/out.log" zim.entries zim.bytes | awk '{printf "  %d entries, %.1f MB\n", $1, $2/1048576}'
fi
