#!/usr/bin/env bash
# Web benchmark: wrk on loopback against Epistola's email page, a search page and a raw download,
# and, in the same run, nginx serving saved copies of the same email page and raw message.
#
#   bash bench/web.sh [count] [seconds]     # default: 10000 demo messages, 10 s per target
#
# wrk: 2 threads, 32 connections, --latency (p99); then 256 connections, where timeouts count.
# Pages are rendered once and then served from the server's page cache until the archive changes.
# "First renders" asks for a different email on every request (bench/distinctEmails.lua walks the
# public ids, so no request hits the page cache; it says "wrapped" if the ids ran out), for 5 s.
# Ratios: cached email page and raw download vs nginx serving the same bytes; first renders vs the
# cached page. The machine has 2 cores shared by wrk and the server: compare within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-10000}
SECONDS_EACH=${2:-10}
FIRST_SECONDS=$((SECONDS_EACH < 5 ? SECONDS_EACH : 5)) # first renders: short, so that the ids last
WORK=${BENCH_DIR:-$(mktemp -d /tmp/epistola-bench.XXXXXX)}
export PATH="$PWD/node_modules/.bin:$PATH"   # the pinned Node 24
. "$(dirname "$0")/nginxStatic.sh"
ensure_wrk_nginx
[ -n "${EPISTOLA_NO_BUILD:-}" ] || npm run --silent build # the test of the benchmarks builds first
E="node bin/epistola.js --data $WORK/data"
$E demo --out "$WORK/demo" --count "$COUNT" --seed 1 --ingest >/dev/null

# Ports free now (not fixed ones: two runs at once, or a test suite beside a bench, collided on them).
free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
PORT=$(free_port); NGINX_PORT=$(free_port)
while [ "$NGINX_PORT" = "$PORT" ]; do NGINX_PORT=$(free_port); done
$E serve --port $PORT --rate-limit 1000000000 >"$WORK/serve.log" 2>&1 &
SERVER=$!
nginx_static_config "$WORK" "$NGINX_PORT"
trap 'kill $SERVER 2>/dev/null || true; /usr/sbin/nginx -c "$WORK/nginx/nginx.conf" -s stop 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.2; done

ID=$(curl -s "http://127.0.0.1:$PORT/api/search?q=has:attachment&limit=1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).hits[0].message.id))')
curl -s "http://127.0.0.1:$PORT/emails/$ID" >"$WORK/nginx/root/email.html"
curl -s "http://127.0.0.1:$PORT/emails/$ID/raw" >"$WORK/nginx/root/raw.eml"
# The published messages (the demo embargoes its part 3): what a public reader can open.
: >"$WORK/public-ids.txt"
cursor=""
while :; do
  $E search 'release:1 OR release:2' --json --limit 1000 ${cursor:+--cursor "$cursor"} >"$WORK/page.json"
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); for (const h of r.hits) console.log(h.message.id)' "$WORK/page.json" >>"$WORK/public-ids.txt"
  cursor=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).nextCursor ?? "")' "$WORK/page.json")
  [ -n "$cursor" ] || break
done
echo "public ids: $(wc -l <"$WORK/public-ids.txt")"
/usr/sbin/nginx -c "$WORK/nginx/nginx.conf"

run() { # label url [wrk script] [connections] [seconds]
  local out; out=$(WRK_THREADS=2 wrk -t2 -c"${4:-32}" -d"${5:-$SECONDS_EACH}s" --latency ${3:+-s "$3"} "$2")
  local rps p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$( (grep -E 'Non-2xx|Socket errors|wrapped' <<<"$out" || true) | tr '\n' ' ')
  echo "$1|$rps|$p99|${errors:-0}"
}
echo "machine: $(nproc) cores, $(node --version), $(wrk --version 2>&1 | head -1 | awk '{print $1, $2}'), nginx $(/usr/sbin/nginx -v 2>&1 | sed 's/.*nginx\///')"
echo "email page: /emails/$ID ($(wc -c <"$WORK/nginx/root/email.html") bytes)"
{
  run "nginx: saved email page" "http://127.0.0.1:$NGINX_PORT/email.html"
  run "epistola: email page" "http://127.0.0.1:$PORT/emails/$ID"
  IDS_FILE="$WORK/public-ids.txt" run "epistola: email pages, first renders (a new id each request)" "http://127.0.0.1:$PORT" bench/distinctEmails.lua 32 "$FIRST_SECONDS"
  run "epistola: search page" "http://127.0.0.1:$PORT/search?q=harbour"
  run "nginx: saved raw message" "http://127.0.0.1:$NGINX_PORT/raw.eml"
  run "epistola: raw download" "http://127.0.0.1:$PORT/emails/$ID/raw"
  run "nginx: saved email page, 256 connections" "http://127.0.0.1:$NGINX_PORT/email.html" "" 256
  run "epistola: email page, 256 connections" "http://127.0.0.1:$PORT/emails/$ID" "" 256
  run "epistola: raw download, 256 connections" "http://127.0.0.1:$PORT/emails/$ID/raw" "" 256
} | tee "$WORK/web.txt"
node -e '
  const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split("|"));
  const rate = (label) => Number(rows.find((r) => r[0].startsWith(label))[1]);
  console.log("\n| target | req/s | p99 | errors |\n|---|---|---|---|");
  for (const [label, rps, p99, errors] of rows) console.log(`| ${label} | ${Math.round(rps).toLocaleString("en-US")} | ${p99} | ${errors.trim()} |`);
  const pct = (a, b) => `${((rate(a) / rate(b)) * 100).toFixed(1)}%`;
  console.log(`\ncached email page: ${pct("epistola: email page", "nginx: saved email page")} of nginx (target ≥ 25%)`);
  console.log(`first renders: ${pct("epistola: email pages, first", "epistola: email page")} of the cached page (target ≥ 25%)`);
  console.log(`raw download: ${pct("epistola: raw download", "nginx: saved raw")} of nginx (target ≥ 30%)`);
' "$WORK/web.txt"
