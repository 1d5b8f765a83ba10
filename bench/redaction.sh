#!/usr/bin/env bash
# Redaction and key recovery, timed as a publisher meets them:
#
#   bash bench/redaction.sh [count] [data-dir]    # default 100000 demo messages (made once, kept in data-dir)
#
# 1. redact one message (a text in its body) in a count-message archive: `epistola redact`, which
#    rewrites its rows, its search entry and the word statistics, then the incremental `export`
#    that republishes it (the first export is made before and not counted);
# 2. with ../shared: `keys recover` on the DKIM corpus's gmail list mail (one 2048-bit key), and the
#    recovered key compared with the archived one.
# Every step is a process timed by GNU time (wall, CPU, peak RSS).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-100000}
DATA=${2:-$(mktemp -d /tmp/epistola-redact.XXXXXX)/data}
export PATH="$PWD/node_modules/.bin:$PATH" # the pinned Node 24
[ -n "${EPISTOLA_NO_BUILD:-}" ] || npm run --silent build
E="node bin/epistola.js --data $DATA"
timed() { # label cmd...
  local label=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o /tmp/epistola-redact-time.$$ "$@" >/tmp/epistola-redact-out.$$ 2>&1 || {
    cat /tmp/epistola-redact-out.$$ >&2
    exit 1
  }
  read -r wall user sys kb </tmp/epistola-redact-time.$$
  printf '%-34s wall %7.2f s  cpu %7.2f s  peak %5d MB\n' "$label" "$wall" "$(awk "BEGIN {print $user + $sys}")" "$((kb / 1024))"
}
[ -f "$DATA/epistola.json" ] || timed "demo --count $COUNT --ingest" $E demo --count "$COUNT" --ingest
$E redact --list >/dev/null # a writing command: brings an older archive's schema up to date
if [ "$($E release list --json)" = "[]" ]; then # an archive made by bench/cli.sh has no release: publish it whole
  $E release create --title All --all-remaining >/dev/null && $E release publish 1 >/dev/null
fi
SITE=$(dirname "$DATA")/site
[ -f "$SITE/manifest.json" ] || timed "export (first, not counted)" $E export "$SITE"
ID=$($E search --json --limit 1 'penalty' | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).hits[0].message.id))')
timed "redact $ID --text 'penalty clause'" $E redact "$ID" --text 'penalty clause' --reason benchmark
timed "export (republish)" $E export "$SITE"
$E search --json 'penalty clause' | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const r=JSON.parse(s);if(r.hits.some(h=>h.message.id===$ID))throw new Error('still found')})"
timed "redact $ID --undo" $E redact "$ID" --undo --reason benchmark
if [ -d ../shared/corpus/dkim/gmail-list/messages ]; then
  K=$(mktemp -d /tmp/epistola-recover.XXXXXX)
  node bin/epistola.js --data "$K" ingest ../shared/corpus/dkim/gmail-list/messages >/dev/null
  timed "keys recover (gmail 20161025)" node bin/epistola.js --data "$K" keys recover --domain gmail.com --selector 20161025 --json
  node -e '
    const fs = require("fs");
    const out = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const keys = JSON.parse(fs.readFileSync("../shared/corpus/dkim/keys.json", "utf8"));
    const p = (t) => /p=([^;]*)/.exec(t)[1].replace(/\s+/g, "");
    for (const a of out.attempts) {
      const known = keys.find((k) => k.name === a.name);
      console.log(`${a.name}: ${a.recovered ? "recovered" : "not recovered"}; equals the archived key: ${a.recovered && known ? p(a.recovered.record.record) === p(known.txt) : "n/a"}; verified after: ${out.rechecked?.verdicts?.verified ?? 0}`);
    }' /tmp/epistola-redact-out.$$
fi
rm -f /tmp/epistola-redact-time.$$ /tmp/epistola-redact-out.$$
