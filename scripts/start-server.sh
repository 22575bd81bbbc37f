# Sourced by the contract checks (conformance.sh, schemathesis.sh): start_server BINARY [flags...] starts the built
# server on a free port of 127.0.0.1, sets `port`, and stops it (and removes its log) when the script exits.
start_server() {
  local binary=$1
  shift
  server_log=$(mktemp)
  "$binary" --host 127.0.0.1 --port 0 --log-level notice "$@" >"$server_log" 2>&1 &
  server_pid=$!
  trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -f "$server_log"' EXIT
  port=""
  for _ in $(seq 1 100); do
    port=$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$server_log" | head -n 1 | sed 's/.*://' || true)
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  echo "$(basename "$0"): the server did not start:" >&2
  cat "$server_log" >&2
  exit 1
}
