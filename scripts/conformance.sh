#!/usr/bin/env bash
# Starts the built server on a free port and checks every answer against openapi.yaml (scripts/check-openapi.py):
# the spec must be valid OpenAPI 3.1 and every response must match its schema. Part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/debug/jacobian-server}
log=$(mktemp)
# The fixtures directory holds digits.onnx: the model the /v1/jacobian and /v1/models examples name.
"$binary" --host 127.0.0.1 --port 0 --log-level notice --model-dir Tests/Fixtures >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
port=""
for _ in $(seq 1 100); do
  port=$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$log" | head -n 1 | sed 's/.*://' || true)
  [ -n "$port" ] && break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "conformance: the server did not start:" >&2
  cat "$log" >&2
  exit 1
fi
"${PYTHON:-python3}" scripts/check-openapi.py "http://127.0.0.1:$port"
