#!/usr/bin/env bash
# Ingest benchmark: Epistola vs notmuch and mu on the same Maildirs, in the same run, interleaved.
#
#   bash bench/ingest.sh [count] [rounds]    # default 30000 demo messages, 3 rounds; plus the real
#                                            # corpus (SpamAssassin + linux-mips 2017) when ../shared is there
#
# Each round runs, one after the other into a fresh database: epistola ingest verifying DKIM with the
# demo's keys imported (real RSA work), epistola ingest --no-verify, notmuch new, mu init && mu index.
# Every tool is a process timed by GNU time (wall, user+system CPU, peak RSS), page cache warmed first.
# Printed per tool: min and median of wall and CPU over the rounds, peak RSS, and the min and median
# of the per-round ratios to epistola (> 1 means the peer took longer).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-30000}
ROUNDS=${2:-3}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/epistola-bench.XXXXXX)}
export PATH="$PWD/node_modules/.bin:$PATH" # the pinned Node 24

need() { command -v "$1" >/dev/null 2>&1; }
if ! need notmuch || ! need mu || [ ! -x /usr/bin/time ]; then
  echo "installing notmuch, maildir-utils and time from Debian's packages" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq notmuch maildir-utils time >/dev/null
fi
[ -n "${EPISTOLA_NO_BUILD:-}" ] || npm run --silent build # the test of the benchmarks builds first

# timed TOOL ROUND CMD...: runs CMD under GNU time; appends "tool round wall cpu peak_kb" to results
timed() {
  local tool=$1 round=$2
  shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.log" "$@" >"$WORK/out.log" 2>&1 || {
    cat "$WORK/out.log" >&2
    exit 1
  }
  read -r wall user sys kb <"$WORK/time.log"
  echo "$tool $round $wall $(awk "BEGIN {print $user + $sys}") $kb" >>"$WORK/results"
}

bench_maildir() { # name dir keyfile
  local name=$1 dir=$2 keys=$3
  local files bytes
  files=$(find "$dir" -type f \( -path '*/cur/*' -o -path '*/new/*' \) | wc -l)
  bytes=$(find "$dir" -type f \( -path '*/cur/*' -o -path '*/new/*' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
  find "$dir" -type f -exec cat {} + >/dev/null # warm the page cache for everyone
  : >"$WORK/results"
  printf '[database]\npath=%s\nmail_root=%s\n[new]\ntags=inbox\n[maildir]\nsynchronize_flags=false\n' "$WORK/notmuch" "$dir" >"$WORK/notmuch.conf"
  for round in $(seq 1 "$ROUNDS"); do
    for verify in yes no; do
      rm -rf "$WORK/epistola-data"
      node bin/epistola.js --data "$WORK/epistola-data" init >/dev/null
      [ -z "$keys" ] || node bin/epistola.js --data "$WORK/epistola-data" keys import "$keys" >/dev/null
      if [ $verify = yes ]; then
        timed epistola "$round" node bin/epistola.js --data "$WORK/epistola-data" ingest --progress none --no-extract "$dir"
      else
        timed epistola-no-verify "$round" node bin/epistola.js --data "$WORK/epistola-data" ingest --progress none --no-verify --no-extract "$dir"
      fi
    done
    rm -rf "$WORK/notmuch" "$dir/.notmuch"
    mkdir -p "$WORK/notmuch"
    NOTMUCH_CONFIG="$WORK/notmuch.conf" timed "notmuch-new" "$round" notmuch new --quiet
    rm -rf "$WORK/mu"
    timed "mu-index" "$round" sh -c "mu init --muhome='$WORK/mu' --maildir='$dir' >/dev/null && mu index --muhome='$WORK/mu' --quiet"
  done
  node -e '
    const [name, files, bytes, path] = process.argv.slice(1);
    const rows = require("fs").readFileSync(path, "utf8").trim().split("\n").map((l) => l.split(" "));
    const by = {};
    for (const [tool, round, wall, cpu, kb] of rows) (by[tool] ??= []).push({ round, wall: +wall, cpu: +cpu, kb: +kb });
    const min = (xs) => Math.min(...xs);
    const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
    const ratios = (tool, key) => by[tool].map((r, i) => r[key] / by.epistola[i][key]);
    console.log(`\n${name}: ${Number(files).toLocaleString("en-US")} messages, ${(bytes / 1048576).toFixed(1)} MB, ${by.epistola.length} interleaved rounds`);
    console.log("| tool | wall s (min / median) | msg/s (best) | CPU s (min / median) | peak RSS MB (max) | wall vs epistola (min / median) | CPU vs epistola (min / median) |");
    console.log("|---|---|---|---|---|---|---|");
    for (const tool of Object.keys(by)) {
      const r = by[tool], f = (x) => x.toFixed(2);
      console.log(`| ${tool} | ${min(r.map((x) => x.wall)).toFixed(1)} / ${median(r.map((x) => x.wall)).toFixed(1)} | ${Math.round(files / min(r.map((x) => x.wall))).toLocaleString("en-US")} | ${min(r.map((x) => x.cpu)).toFixed(1)} / ${median(r.map((x) => x.cpu)).toFixed(1)} | ${Math.round(Math.max(...r.map((x) => x.kb)) / 1024)} | ${f(min(ratios(tool, "wall")))} / ${f(median(ratios(tool, "wall")))} | ${f(min(ratios(tool, "cpu")))} / ${f(median(ratios(tool, "cpu")))} |`);
    }
  ' "$name" "$files" "$bytes" "$WORK/results"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GB, $(node --version), $(notmuch --version), mu $(mu --version | head -1 | awk '{print $NF}')"
node bin/epistola.js --data "$WORK/unused" demo --out "$WORK/demo" --count "$COUNT" --seed 1 --maildir-only >/dev/null
bench_maildir "demo collection (seed 1, keys imported)" "$WORK/demo/Maildir" "$WORK/demo/demo-keys.txt"

CORPUS=${EPISTOLA_CORPUS:-../shared/corpus}
if [ -d "$CORPUS/spamassassin" ] && [ -f "$CORPUS/linux-mips/linux-mips-2017.mboxrd.gz" ]; then
  # The real corpora as one Maildir (mu needs cur/new): SpamAssassin and the linux-mips 2017 list.
  rm -rf "$WORK/real"
  node bench/mboxToMaildir.mjs "$CORPUS/linux-mips/linux-mips-2017.mboxrd.gz" "$WORK/real" linux-mips >/dev/null
  for f in "$CORPUS"/spamassassin/*/*.eml; do
    cp "$f" "$WORK/real/cur/$(basename "$(dirname "$f")")-$(basename "$f" .eml):2,S"
  done
  bench_maildir "real corpus (SpamAssassin + linux-mips 2017; no keys: the senders' keys are not archived)" "$WORK/real" ""
fi
[ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"
