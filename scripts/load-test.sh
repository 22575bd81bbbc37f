#!/usr/bin/env bash
# Load test, on demand (not in CI): our HTTPServer beside Hummingbird 2, both serving
# GET /hello -> {"message":"hello"} on 127.0.0.1, built in release mode from the Swift packages this machine
# provides. For each: wrk at 1, 16 and 256 connections (requests/s, latency percentiles, socket errors),
# then 10,000 idle keep-alive connections (resident memory, threads). Prints a markdown table.
#
# Usage: scripts/load-test.sh [duration, default 10s]
# Needs: wrk and python3 (apt-get install wrk). Takes a few minutes, plus the first Hummingbird build.
# Numbers depend on the machine and on whatever else runs on it: compare the two columns, not across runs.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${1:-10s}"
OURS_PORT=8181
HUMMINGBIRD_PORT=8182
IDLE_CONNECTIONS=10000

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
# 10,000 sockets in the client process and as many in the server: raise the soft limit to the hard one.
HARD_LIMIT=$(ulimit -Hn)
[[ "$HARD_LIMIT" == unlimited ]] && HARD_LIMIT=65536
ulimit -n "$HARD_LIMIT"
if (( $(ulimit -n) < IDLE_CONNECTIONS + 1000 )); then
    echo "ulimit -n is $(ulimit -n): too low for $IDLE_CONNECTIONS connections" >&2
    exit 1
fi

echo "Building (release)..." >&2
swift build -c release --package-path bench/ours --scratch-path .build-bench-ours >&2
swift build -c release --package-path bench/hummingbird/hello-hummingbird --scratch-path .build-bench-hummingbird >&2
OURS_BIN=".build-bench-ours/release/bench-ours"
HUMMINGBIRD_BIN=".build-bench-hummingbird/release/bench-hummingbird"

SERVER_PID=""
cleanup() { [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

source scripts/wrk-lib.sh
measure() { wrk_row "http://127.0.0.1:$1/hello" "$2" "$DURATION"; }

declare -A RESULTS
run_server() {
    local name=$1 binary=$2 port=$3
    "$binary" "$port" >/dev/null 2>&1 &
    SERVER_PID=$!
    wait_for_port "$port"
    wrk -t2 -c16 -d2s "http://127.0.0.1:$port/hello" >/dev/null  # Warm-up.
    for connections in 1 16 256; do
        echo "== $name, $connections connections" >&2
        RESULTS["$name,$connections"]=$(measure "$port" "$connections")
    done
    echo "== $name, $IDLE_CONNECTIONS idle connections" >&2
    RESULTS["$name,idle"]=$(python3 scripts/idle-connections.py "$port" "$SERVER_PID" "$IDLE_CONNECTIONS")
    echo "${RESULTS["$name,idle"]}" >&2
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

run_server ours "$OURS_BIN" "$OURS_PORT"
run_server hummingbird "$HUMMINGBIRD_BIN" "$HUMMINGBIRD_PORT"

echo
echo "Command: \`scripts/load-test.sh $DURATION\` ($(nproc) cores, $(date -u +%Y-%m-%d), wrk -t2 (-t1 at 1 connection) -d$DURATION --latency)"
echo
echo "| server | connections | requests/s | p50 | p90 | p99 | socket errors |"
echo "|---|---|---|---|---|---|---|"
for name in ours hummingbird; do
    for connections in 1 16 256; do
        echo "| $name | $connections | ${RESULTS["$name,$connections"]} |"
    done
done
echo
echo "| server | idle keep-alive connections | still open | failures | RSS before | RSS with all idle | threads |"
echo "|---|---|---|---|---|---|---|"
for name in ours hummingbird; do
    python3 - "$name" "${RESULTS["$name,idle"]}" <<'PY'
import json, sys
r = json.loads(sys.argv[2])
print(f"| {sys.argv[1]} | {r['connections']} | {r['still_open']} | {r['failures']} | {r['rss_before_mib']} MiB | {r['rss_idle_mib']} MiB | {r['threads']} |")
PY
done
