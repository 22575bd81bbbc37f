#!/usr/bin/env bash
# HTTP/2 (h2load) beside HTTP/1.1 (wrk) against one release build of jacobian-server, in the same run,
# on the same machine. Prints a markdown table for docs/BENCHMARKS.md.
#
#   scripts/load-test-h2.sh                 # 100000 requests per h2load run, 10 s per wrk run
#   REQUESTS=20000 DURATION=5s scripts/load-test-h2.sh
#
# Needs h2load (Debian: nghttp2-client), wrk and curl. The server must have HTTP2Protocol among its
# protocols (it answers `curl --http2-prior-knowledge`); /v1/jacobian is measured when the API is routed.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18089}
REQUESTS=${REQUESTS:-100000}
DURATION=${DURATION:-10s}
H2_CONNECTIONS=4
H2_STREAMS=32
BASE="http://127.0.0.1:$PORT"

for tool in h2load wrk curl; do
  command -v "$tool" >/dev/null || { echo "load-test-h2: $tool is missing (apt-get install nghttp2-client wrk curl)" >&2; exit 1; }
done

echo "building jacobian-server (release)..." >&2
swift build -c release --product jacobian-server >&2
BIN="$(swift build -c release --show-bin-path)/jacobian-server"

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN" --host 127.0.0.1 --port "$PORT" --log-level warning >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null "$BASE/healthz" || { echo "load-test-h2: server did not come up:" >&2; cat "$WORK/server.log" >&2; exit 1; }

version=$(curl -sS --http2-prior-knowledge -o /dev/null -w '%{http_version}' "$BASE/healthz" || true)
if [ "$version" != "2" ]; then
  echo "load-test-h2: $BIN does not speak HTTP/2 (add HTTP2Protocol to its protocols)" >&2
  exit 1
fi

# The tutorial's first example: f(x) = (x0^2, x1^3, x2^4), a 3x3 Jacobian.
cat >"$WORK/body.json" <<'JSON'
{"function": {"type": "expression", "inputs": [{"name": "x", "size": 3}], "outputs": ["x[0]^2", "x[1]^3", "x[2]^4"]}, "point": [-0.5366, 0.9893, -0.287]}
JSON
cat >"$WORK/post.lua" <<LUA
local f = io.open("$WORK/body.json", "r")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
LUA

endpoints=("GET /healthz")
status=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$WORK/body.json" "$BASE/v1/jacobian")
if [ "$status" = "200" ]; then
  endpoints+=("POST /v1/jacobian")
else
  echo "load-test-h2: POST /v1/jacobian answers $status; measuring /healthz only" >&2
fi

# h2load: "finished in 2.10s, 47619.05 req/s, ..." and "time for request: min max mean sd ...".
run_h2load() {
  local method=$1 path=$2 out="$WORK/h2load.txt"
  local args=(-n "$REQUESTS" -c "$H2_CONNECTIONS" -m "$H2_STREAMS" -t 2)
  [ "$method" = "POST" ] && args+=(-d "$WORK/body.json" -H 'content-type: application/json')
  h2load "${args[@]}" "$BASE$path" >"$out"
  local rps mean failed
  rps=$(awk '/^finished in/ {print $4}' "$out")
  mean=$(awk '/^time for request:/ {print $6}' "$out")
  failed=$(awk '/^requests:/ {for (i = 1; i < NF; i++) if ($(i+1) ~ /^failed/) print $i}' "$out")
  non2xx=$(awk '/^status codes:/ {print $5 + $7 + $9}' "$out")
  echo "| HTTP/2 h2c | h2load -c $H2_CONNECTIONS -m $H2_STREAMS -n $REQUESTS | $method $path | $H2_CONNECTIONS | $((H2_CONNECTIONS * H2_STREAMS)) | $rps | $mean | $((failed + non2xx)) |"
}

# wrk: "Requests/sec: 41234.56" and "Latency 1.23ms ..." (mean first).
run_wrk() {
  local method=$1 path=$2 connections=$3 out="$WORK/wrk.txt"
  local args=(-t 2 -c "$connections" -d "$DURATION")
  [ "$method" = "POST" ] && args+=(-s "$WORK/post.lua")
  wrk "${args[@]}" "$BASE$path" >"$out"
  local rps mean errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  mean=$(awk '$1 == "Latency" {print $2; exit}' "$out")
  errors=$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {n += $4 + $6 + $8 + $10} END {print n + 0}' "$out" | tr -d ,)
  echo "| HTTP/1.1 | wrk -t 2 -c $connections -d $DURATION | $method $path | $connections | $connections | $rps | $mean | $errors |"
}

echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(uname -m)), jacobian-server release build; client and server share the machine."
echo
echo "| Protocol | Client | Endpoint | Connections | In flight | Requests/s | Mean latency | Errors |"
echo "|---|---|---|---:|---:|---:|---:|---:|"
for endpoint in "${endpoints[@]}"; do
  read -r method path <<<"$endpoint"
  run_h2load "$method" "$path"
  run_wrk "$method" "$path" "$H2_CONNECTIONS"
  run_wrk "$method" "$path" "$((H2_CONNECTIONS * H2_STREAMS))"
done
