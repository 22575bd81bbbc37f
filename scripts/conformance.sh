#!/usr/bin/env bash
# Starts the built server on a free port and checks every answer against openapi.yaml (scripts/check-openapi.py):
# the spec must be valid OpenAPI 3.1 and every response must match its schema. Part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/debug/jacobian-server}
source scripts/start-server.sh
# The fixtures directory holds digits.onnx: the model the /v1/jacobian and /v1/models examples name.
start_server "$binary" --model-dir Tests/Fixtures
"${PYTHON:-python3}" scripts/check-openapi.py "http://127.0.0.1:$port"
