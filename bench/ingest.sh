#!/usr/bin/env bash
# Ingest benchmark: Epistola vs notmuch and mu on the same Maildir, in the same run.
#
#   bash bench/ingest.sh [count]        # default 100000 demo messages, plus the real corpus if ../shared is there
#
# For each data set: wall time, messages/s, MB/s and peak memory (GNU time) of
#   epistola ingest (parse + blobs with fsync + SQLite + FTS5), notmuch new, mu init && mu index,
# each into a fresh database, page cache warmed first so all three read from memory.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-100000}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/epistola-bench.XXXXXX)}
export PATH="$PWD/node_modules/.bin:$PATH"   # the pinned Node 24

need() { command -v "$1" >/dev/null 2>&1; }
if ! need notmuch || ! need mu || [ ! -x /usr/bin/time ]; then
  echo "installing notmuch, maildir-utils and time from Debian's packages" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq notmuch maildir-utils time >/dev/null
fi
npm run --silent build

# timed NAME CMD...: runs CMD under GNU time, prints "seconds peak_kb"
timed() {
  local log="$WORK/time.$1.log"; shift
  /usr/bin/time -f '%e %M' -o "$log" "$@" >"$WORK/out.log" 2>&1 || { cat "$WORK/out.log" >&2; exit 1; }
  cat "$log"
}

bench_maildir() { # name dir
  local name=$1 dir=$2
  local files bytes
  files=$(find "$dir" -type f -path '*/cur/*' -o -type f -path '*/new/*' | wc -l)
  bytes=$(find "$dir" -type f \( -path '*/cur/*' -o -path '*/new/*' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
  find "$dir" -type f -exec cat {} + >/dev/null   # warm the page cache for everyone

  rm -rf "$WORK/epistola-data"
  read -r e_s e_kb < <(timed epistola node bin/epistola.js --data "$WORK/epistola-data" ingest --progress none "$dir")

  rm -rf "$WORK/notmuch" "$dir/.notmuch"; mkdir -p "$WORK/notmuch"
  printf '[database]\npath=%s\nmail_root=%s\n[new]\ntags=inbox\n[maildir]\nsynchronize_flags=false\n' "$WORK/notmuch" "$dir" >"$WORK/notmuch.conf"
  read -r n_s n_kb < <(NOTMUCH_CONFIG="$WORK/notmuch.conf" timed notmuch notmuch new --quiet)

  rm -rf "$WORK/mu"
  read -r m_s m_kb < <(timed mu sh -c "mu init --muhome='$WORK/mu' --maildir='$dir' >/dev/null && mu index --muhome='$WORK/mu' --quiet")

  node -e '
    const [name, files, bytes, ...t] = process.argv.slice(1);
    const rows = [["epistola", t[0], t[1]], ["notmuch new", t[2], t[3]], ["mu index", t[4], t[5]]];
    console.log(`\n${name}: ${Number(files).toLocaleString("en-US")} messages, ${(bytes / 1048576).toFixed(1)} MB`);
    console.log("| tool | seconds | msg/s | MB/s | peak RSS MB | time vs epistola |");
    console.log("|---|---|---|---|---|---|");
    for (const [tool, s, kb] of rows) console.log(`| ${tool} | ${Number(s).toFixed(1)} | ${Math.round(files / s).toLocaleString("en-US")} | ${(bytes / 1048576 / s).toFixed(1)} | ${Math.round(kb / 1024)} | ${(s / t[0]).toFixed(2)}× |`);
  ' "$name" "$files" "$bytes" "$e_s" "$e_kb" "$n_s" "$n_kb" "$m_s" "$m_kb"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GB, $(node --version), $(notmuch --version), mu $(mu --version | head -1 | awk '{print $NF}')"
node bin/epistola.js demo --out "$WORK/demo" --count "$COUNT" --seed 1 --maildir-only >/dev/null
bench_maildir "demo collection (seed 1)" "$WORK/demo/Maildir"

CORPUS=${EPISTOLA_CORPUS:-../shared/corpus}
if [ -d "$CORPUS/spamassassin" ]; then
  # The real corpora, as one Maildir (mu needs cur/new): SpamAssassin + the JWZ ham set.
  rm -rf "$WORK/real"; mkdir -p "$WORK/real/cur" "$WORK/real/new" "$WORK/real/tmp"
  for f in "$CORPUS"/spamassassin/*/*.eml "$CORPUS"/jwz-threading/ham/*.eml; do
    cp "$f" "$WORK/real/cur/$(basename "$(dirname "$f")")-$(basename "$f" .eml):2,S"
  done
  bench_maildir "real corpus (SpamAssassin + JWZ ham)" "$WORK/real"
fi
[ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"
