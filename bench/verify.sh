#!/usr/bin/env bash
# Verification benchmark.
#
#   bash bench/verify.sh [count]     # default 100000 demo messages (signed by the demo domains' keys)
#
# 1. verifications/s on the real signed samples of ../shared/corpus/dkim (when present), one thread;
# 2. on the demo collection: ingest without verification, "verify --all" alone (verifications/s),
#    and ingest with verification (the default), each into a fresh archive: the cost verification
#    adds to an ingest, as a ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-100000}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/epistola-bench.XXXXXX)}
CORPUS=${EPISTOLA_CORPUS:-../shared/corpus}
export PATH="$PWD/node_modules/.bin:$PATH"   # the pinned Node 24
[ -x /usr/bin/time ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
npm run --silent build
E="node bin/epistola.js"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GB, $(node --version), $(node -p 'require("mailauth/package.json").version' | sed 's/^/mailauth /')"
if [ -d "$CORPUS/dkim" ]; then
  echo "corpus: $(node dist/bench/verifyCorpus.js "$CORPUS" 20)"
fi

$E demo --out "$WORK/demo" --count "$COUNT" --seed 1 --maildir-only >/dev/null
find "$WORK/demo/Maildir" -type f -exec cat {} + >/dev/null   # warm the page cache

timed() { # label, command...: prints "label seconds peak_mb"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.log" "$@" >"$WORK/out.log" 2>&1 || { cat "$WORK/out.log" >&2; exit 1; }
  read -r s kb <"$WORK/time.log"; echo "$label $s $((kb / 1024))"
}
fresh() { rm -rf "$WORK/data"; $E --data "$WORK/data" init >/dev/null; $E --data "$WORK/data" keys import "$WORK/demo/demo-keys.txt" --no-verify >/dev/null; }

for round in 1 2; do
  fresh; timed "ingest --no-verify" $E --data "$WORK/data" ingest --no-verify --progress none "$WORK/demo/Maildir"
  timed "verify --all" $E --data "$WORK/data" verify --all --progress none
  fresh; timed "ingest (verifying)" $E --data "$WORK/data" ingest --progress none "$WORK/demo/Maildir"
done | tee "$WORK/verify.txt"
$E --data "$WORK/data" stats --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log("verdicts:",JSON.stringify(JSON.parse(s).dkim)))'
node -e '
  const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => { const p = l.split(" "); return { label: p.slice(0, -2).join(" "), s: +p.at(-2), mb: +p.at(-1) }; });
  const n = Number(process.argv[2]);
  const best = (label) => Math.min(...rows.filter((r) => r.label === label).map((r) => r.s));
  const plain = best("ingest --no-verify"), verifying = best("ingest (verifying)"), alone = best("verify --all");
  console.log(`\n${n.toLocaleString("en-US")} demo messages (best of 2):`);
  console.log("| run | seconds | msg/s |\n|---|---|---|");
  for (const [label, s] of [["ingest --no-verify", plain], ["ingest (verifying, default)", verifying], ["verify --all (alone)", alone]]) console.log(`| ${label} | ${s.toFixed(1)} | ${Math.round(n / s).toLocaleString("en-US")} |`);
  console.log(`\ningest with verification / without: ${(verifying / plain).toFixed(2)}× (target ≤ 1.20×)`);
' "$WORK/verify.txt" "$COUNT"
