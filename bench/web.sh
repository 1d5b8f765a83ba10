#!/usr/bin/env bash
# Web benchmark: wrk on loopback against Epistola's email page, a search page and a raw download,
# and, in the same run, nginx serving a saved copy of the same email page.
#
#   bash bench/web.sh [count] [seconds]     # default: 3000 demo messages, 10 s per target
#
# wrk: 2 threads, 32 connections, --latency (p99). Pages are rendered once and then served from the
# server's page cache until the archive changes; the last target spreads requests over every email
# (bench/randomEmails.lua) to show the rate when pages must be rendered. The machine has 2 cores shared by wrk and the
# server, so figures are for comparing in the same run, as ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-3000}
SECONDS_EACH=${2:-10}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/epistola-bench.XXXXXX)}
export PATH="$PWD/node_modules/.bin:$PATH"   # the pinned Node 24
. "$(dirname "$0")/nginxStatic.sh"
ensure_wrk_nginx
npm run --silent build
E="node bin/epistola.js --data $WORK/data"
$E demo --out "$WORK/demo" --count "$COUNT" --seed 1 --ingest >/dev/null

PORT=18080; NGINX_PORT=18081
$E serve --port $PORT --rate-limit 1000000000 >"$WORK/serve.log" 2>&1 &
SERVER=$!
nginx_static_config "$WORK" "$NGINX_PORT"
trap 'kill $SERVER 2>/dev/null || true; /usr/sbin/nginx -c "$WORK/nginx/nginx.conf" -s stop 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.2; done

ID=$(curl -s "http://127.0.0.1:$PORT/api/search?q=has:attachment&limit=1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).hits[0].message.id))')
curl -s "http://127.0.0.1:$PORT/emails/$ID" >"$WORK/nginx/root/email.html"
# The published messages (the demo embargoes its part 3): what a public reader can open.
$E search 'release:1 OR release:2' --json --limit 1000 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).hits.map(h=>h.message.id).join("\n")))' >"$WORK/public-ids.txt"
/usr/sbin/nginx -c "$WORK/nginx/nginx.conf"

run() { # label url [wrk script]
  local out; out=$(wrk -t2 -c32 -d"${SECONDS_EACH}s" --latency ${3:+-s "$3"} "$2")
  local rps p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$( (grep -E 'Non-2xx|Socket errors' <<<"$out" || true) | tr '\n' ' ')
  echo "$1|$rps|$p99|${errors:-0}"
}
echo "machine: $(nproc) cores, $(node --version), $(wrk --version 2>&1 | head -1 | awk '{print $1, $2}'), nginx $(/usr/sbin/nginx -v 2>&1 | sed 's/.*nginx\///')"
echo "email page: /emails/$ID ($(wc -c <"$WORK/nginx/root/email.html") bytes)"
{
  run "nginx: saved email page" "http://127.0.0.1:$NGINX_PORT/email.html"
  run "epistola: email page" "http://127.0.0.1:$PORT/emails/$ID"
  run "epistola: search page" "http://127.0.0.1:$PORT/search?q=harbour"
  run "epistola: raw download" "http://127.0.0.1:$PORT/emails/$ID/raw"
  IDS_FILE="$WORK/public-ids.txt" run "epistola: email pages, random public ids (mostly uncached)" "http://127.0.0.1:$PORT" bench/randomEmails.lua
} | tee "$WORK/web.txt"
node -e '
  const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split("|"));
  const nginx = Number(rows[0][1]);
  console.log("\n| target | req/s | p99 | errors | vs nginx |\n|---|---|---|---|---|");
  for (const [label, rps, p99, errors] of rows) console.log(`| ${label} | ${Math.round(rps).toLocaleString("en-US")} | ${p99} | ${errors.trim()} | ${(rps / nginx * 100).toFixed(1)}% |`);
  console.log(`\nemail page at ${(rows[1][1] / nginx * 100).toFixed(1)}% of nginx static (target ≥ 25%)`);
' "$WORK/web.txt"
