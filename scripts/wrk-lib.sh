# Shared by the load-test scripts (sourced, not run): waiting for a server's port, and one wrk run summarised as
# a row of a markdown table.

# Waits up to 10 s for something to listen on 127.0.0.1:$1.
wait_for_port() {
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "server on port $1 did not start" >&2
    return 1
}

# wrk_row URL CONNECTIONS DURATION [wrk options...] -> "req/s | p50 | p90 | p99 | errors" on stdout; wrk's own
# report goes to stderr. Two threads (one at one connection).
wrk_row() {
    local url=$1 connections=$2 duration=$3 threads=2 output
    shift 3
    (( connections < threads )) && threads=$connections
    output=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@" "$url")
    echo "$output" >&2
    local rps p50 p90 p99 socket_errors non2xx
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$output")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$output")
    p90=$(awk '$1 == "90%" {print $2}' <<<"$output")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$output")
    socket_errors=$(grep -o 'Socket errors:.*' <<<"$output" || echo "none")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$output")
    echo "$rps | $p50 | $p90 | $p99 | ${socket_errors#Socket errors: }${non2xx:+, non-2xx $non2xx}"
}
