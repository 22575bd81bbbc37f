#!/usr/bin/env bash
# Starts the built server on a free port and runs schemathesis against it from openapi.yaml: generated requests,
# valid and invalid, to every operation, with every check but `positive_data_acceptance` (a request can match the
# schema and still be refused: a formula's validity cannot be written in JSON Schema, so 422 is right for it).
# Bounded in time: few examples per operation, a fixed seed so that a run is reproducible. Part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/debug/jacobian-server}
schemathesis=${SCHEMATHESIS:-.build-tools/venv/bin/schemathesis}
source scripts/start-server.sh
start_server "$binary"
"$schemathesis" run openapi.yaml --url "http://127.0.0.1:$port" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-25}" --seed "${SCHEMATHESIS_SEED:-12}" \
  --generation-database none --request-timeout 30 --workers 1 \
  --no-color --output-truncate false --suppress-health-check all
