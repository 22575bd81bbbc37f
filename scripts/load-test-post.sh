#!/usr/bin/env bash
# The API's real POST path under load, on demand (not in CI), all in one run on this machine:
#  1. wrk at 1, 16 and 256 connections sending the tutorial's POST /v1/jacobian body to
#     - ours: the release jacobian-server with its default settings (access log and metrics on, as users get it;
#       the log goes to /dev/null),
#     - Hummingbird 2 with the minimal handler of bench/hummingbird (decodes `point` with JSONDecoder, answers a
#       hand-coded Jacobian),
#     - nginx answering the same JSON as a fixed string (bench/nginx/nginx.conf);
#  2. one batch of 100,000 points of the tutorial function in one request, from a prepared body file, read fully
#     by curl (median of 5), beside the engine alone on 100,000 points (jacobian-bench engine's batch row).
#
# Usage: scripts/load-test-post.sh [duration, default 10s]
# Needs wrk, nginx, curl, python3 (apt-get install wrk nginx curl). Compare columns of one run, not across runs.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${1:-10s}"
OURS_PORT=8191
HUMMINGBIRD_PORT=8182
NGINX_PORT=8183
SCRATCH=$(mktemp -d)

for tool in wrk nginx curl python3; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install wrk nginx curl" >&2; exit 1; }
done

echo "Building (release)..." >&2
swift build -c release --product jacobian-server >&2
swift build -c release --package-path bench/hummingbird/hello-hummingbird --scratch-path .build-bench-hummingbird >&2
OURS_BIN=".build/release/jacobian-server"
HUMMINGBIRD_BIN=".build-bench-hummingbird/release/bench-hummingbird"

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    [[ -f "$SCRATCH/nginx.pid" ]] && kill "$(cat "$SCRATCH/nginx.pid")" 2>/dev/null
    wait 2>/dev/null || true
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

source scripts/wrk-lib.sh

BODY='{"function": {"type": "expression", "inputs": [{"name": "x", "size": 3}], "outputs": ["x[0]^2", "x[1]^3", "x[2]^4"]}, "point": [-0.5366, 0.9893, -0.287]}'
cat >"$SCRATCH/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
LUA

measure() { wrk_row "http://127.0.0.1:$1/v1/jacobian" "$2" "$DURATION" -s "$SCRATCH/post.lua"; }

declare -A RESULTS
load() {
    local name=$1 port=$2
    curl -sf --json "$BODY" "http://127.0.0.1:$port/v1/jacobian" >/dev/null  # The answer is a 200.
    wrk -t2 -c16 -d2s -s "$SCRATCH/post.lua" "http://127.0.0.1:$port/v1/jacobian" >/dev/null  # Warm-up.
    for connections in 1 16 256; do
        echo "== $name, $connections connections" >&2
        RESULTS["$name,$connections"]=$(measure "$port" "$connections")
    done
}

"$OURS_BIN" --host 127.0.0.1 --port "$OURS_PORT" >/dev/null 2>&1 &
PIDS+=($!)
wait_for_port "$OURS_PORT"
load ours "$OURS_PORT"

# The batch: 100,000 points, 17 significant digits each, written once to a file.
python3 - "$SCRATCH/batch.json" <<'PY'
import json, random, sys
random.seed(7)
points = [[random.uniform(-1, 1) for _ in range(3)] for _ in range(100_000)]
body = {"function": {"type": "expression", "inputs": [{"name": "x", "size": 3}],
                     "outputs": ["x[0]^2", "x[1]^3", "x[2]^4"]}, "points": points}
open(sys.argv[1], "w").write(json.dumps(body))
PY
BATCH_TIMES=()
for _ in 1 2 3 4 5 6; do
    BATCH_TIMES+=("$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H 'Content-Type: application/json' \
        --data-binary @"$SCRATCH/batch.json" "http://127.0.0.1:$OURS_PORT/v1/jacobian")")
done
kill "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true

"$HUMMINGBIRD_BIN" "$HUMMINGBIRD_PORT" >/dev/null 2>&1 &
PIDS+=($!)
wait_for_port "$HUMMINGBIRD_PORT"
load hummingbird "$HUMMINGBIRD_PORT"
kill "${PIDS[1]}"; wait "${PIDS[1]}" 2>/dev/null || true

mkdir -p "$SCRATCH/nginx/logs"
nginx -p "$SCRATCH/nginx" -c "$PWD/bench/nginx/nginx.conf" -g "pid $SCRATCH/nginx.pid;"
wait_for_port "$NGINX_PORT"
load nginx "$NGINX_PORT"

ENGINE_LINE=$(swift run -c release jacobian-bench engine 2>/dev/null | grep "batch of 100,000" || true)

echo
echo "Command: \`scripts/load-test-post.sh $DURATION\` ($(nproc) cores, $(date -u +%Y-%m-%d), wrk -t2 (-t1 at 1 connection) -d$DURATION --latency, the tutorial's POST /v1/jacobian body)"
echo
echo "| server | connections | requests/s | p50 | p90 | p99 | errors | ours ÷ this |"
echo "|---|---|---|---|---|---|---|---|"
for name in ours hummingbird nginx; do
    for connections in 1 16 256; do
        IFS='|' read -r rps p50 p90 p99 errors <<<"${RESULTS["$name,$connections"]}"
        IFS='|' read -r ours_rps _ <<<"${RESULTS["ours,$connections"]}"
        ratio=$(python3 -c "print(f'{$ours_rps / $rps:.2f}×')")
        echo "| $name | $connections | $rps | $p50 | $p90 | $p99 | $errors | $ratio |"
    done
done
echo
python3 - "${BATCH_TIMES[@]}" <<'PY'
import statistics, sys
runs = [item.split() for item in sys.argv[1:]]
codes = {code for code, _ in runs}
times = sorted(float(t) for _, t in runs[1:])  # the first run warms the cache and the allocator
median = statistics.median(times)
print(f"Batch of 100,000 points over HTTP (curl, body from a file, answer read fully; status {', '.join(sorted(codes))}): "
      f"median {median * 1000:.1f} ms of 5, {median * 1e6 / 100_000:.3f} µs per point end to end")
PY
echo "Engine alone (jacobian-bench engine): ${ENGINE_LINE:-not measured}"
