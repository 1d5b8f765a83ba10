#!/usr/bin/env bash
# Load under attack: wrk with 256 connections for 60 s (defaults) on loopback, against
#   1. the cached email page, and nginx serving a saved copy of it (the reference);
#   2. first-hit pages: every request a different email id, walked in order (bench/walkEmails.lua);
#   3. a search flood: every request a different query, the per-client limit off (a flood from many
#      addresses), so the shared search budget (--search-budget) is what answers;
#   4. the cached page during that flood (two wrk at once): pages must stay fast; and new connections
#      opened during the flood.
# For each: requests, 2xx, other statuses (503 "busy" is the budget at work), socket errors and
# timeouts (wrk's 2 s), p50 and p99. 0 errors and 0 timeouts is the target.
#
#   bash bench/load.sh [count] [seconds] [connections]      # default: 20000 demo messages, 60 s, 256
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-20000}
SECONDS_EACH=${2:-60}
CONNS=${3:-256}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/epistola-load.XXXXXX)}
export PATH="$PWD/node_modules/.bin:$PATH"   # the pinned Node 24
. "$(dirname "$0")/nginxStatic.sh"
ensure_wrk_nginx
npm run --silent build
E="node bin/epistola.js --data $WORK/data"
[ -f "$WORK/data/epistola.json" ] || $E demo --out "$WORK/demo" --count "$COUNT" --seed 1 --ingest >/dev/null
# Every message public, so first-hit pages have COUNT distinct ids to walk.
$E release publish 3 >/dev/null 2>&1 || true

PORT=18090; NGINX_PORT=18091
ulimit -n 65536 2>/dev/null || true
$E serve --port $PORT --rate-limit 1000000000 >"$WORK/serve.log" 2>&1 &
SERVER=$!
nginx_static_config "$WORK" "$NGINX_PORT"
trap 'kill $SERVER 2>/dev/null || true; /usr/sbin/nginx -c "$WORK/nginx/nginx.conf" -s stop 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.2; done
curl -s -o "$WORK/nginx/root/email.html" "http://127.0.0.1:$PORT/emails/1"
/usr/sbin/nginx -c "$WORK/nginx/nginx.conf"

cat >"$WORK/walk.lua" <<LUA
-- Each request the next email id: every page is rendered for the first time until all $COUNT are
-- (then the walk starts again, from the page cache as far as it holds them).
local n = 0
request = function()
  n = n % $COUNT + 1
  return wrk.format("GET", "/emails/" .. n)
end
LUA
cat >"$WORK/queries.lua" <<'LUA'
-- Each request a different query: words of the demo with a number, so no answer comes from the cache.
local words = { "budget", "harbour", "quay", "dredging", "crane", "berth", "tug", "terminal", "ferry", "basin" }
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/search?q=" .. words[(n % #words) + 1] .. "+OR+w" .. n)
end
LUA

run() { # label url [lua] [connections] [seconds]
  local out; out=$(wrk -t2 -c"${4:-$CONNS}" -d"${5:-$SECONDS_EACH}s" --latency ${3:+-s "$3"} "$2")
  printf '%s\n%s\n' "== $1" "$out" >>"$WORK/wrk.log"
  local total rps p50 p99 non2xx sock
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$( (awk '/Non-2xx/ {print $5}' <<<"$out") || true)
  sock=$( (grep 'Socket errors' <<<"$out" | sed 's/.*Socket errors: //') || true)
  echo "| $1 | ${total} | ${rps} | ${non2xx:-0} | ${sock:-connect 0, read 0, write 0, timeout 0} | ${p50} | ${p99} |"
}
echo "machine: $(nproc) cores, $(node --version), $(wrk --version 2>&1 | head -1 | awk '{print $1, $2}'), nginx $(/usr/sbin/nginx -v 2>&1 | sed 's/.*nginx\///'); $COUNT messages; ${SECONDS_EACH} s each; $CONNS connections"
echo "| target | requests | req/s | non-2xx | socket errors | p50 | p99 |"
echo "|---|---|---|---|---|---|---|"
run "nginx, the same email page" "http://127.0.0.1:$NGINX_PORT/email.html"
run "Epistola, cached email page" "http://127.0.0.1:$PORT/emails/1"
run "Epistola, first-hit email pages (distinct ids)" "http://127.0.0.1:$PORT" "$WORK/walk.lua"
run "Epistola, search flood (distinct queries)" "http://127.0.0.1:$PORT" "$WORK/queries.lua"
# A reader and the flood at once: the reader's 1/4 of the connections are open first (keep-alive), the
# flood's 3/4 start a second later; then new connections are tried during the flood.
run "Epistola, cached page during the flood (reader connected first)" "http://127.0.0.1:$PORT/emails/2" "" $((CONNS / 4)) >"$WORK/reader.txt" &
READER=$!
sleep 1
run "Epistola, search flood beside the reader" "http://127.0.0.1:$PORT" "$WORK/queries.lua" $((CONNS * 3 / 4)) $((SECONDS_EACH - 4)) >"$WORK/flood.txt" &
FLOOD=$!
sleep 3
probes=""
for _ in 1 2 3 4 5; do probes="$probes $(curl -s -o /dev/null -w '%{http_code}:%{time_total}s' --max-time 5 "http://127.0.0.1:$PORT/emails/3" || true)"; done
wait $FLOOD $READER
cat "$WORK/reader.txt" "$WORK/flood.txt"
echo "new connections during the flood (status:time, 5 s at most):$probes"
echo "server log (refused searches, errors):"
grep -c '"level":50' "$WORK/serve.log" 2>/dev/null || true
