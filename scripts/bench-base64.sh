#!/bin/sh
# POST /v1/jacobian with 100,000 points of the tutorial's 3×3 function, as decimal JSON and as base64 in and out
# (issue 20): median of 5 curl runs each (time_total, curl reading the whole answer), in µs per point end to end,
# beside the engine alone on the same points (jacobian-bench's flat batch row), in one run.
# Usage: scripts/bench-base64.sh [URL] [points]   (default: starts .build/release/jacobian-server; 100000)
#   Build first: swift build -c release --product jacobian-server --product jacobian-bench
set -eu
cd "$(dirname "$0")/.."
POINTS=${2:-100000}
if [ -n "${1:-}" ]; then
    URL=$1
else
    . scripts/start-server.sh
    start_server .build/release/jacobian-server
    URL=http://127.0.0.1:$port
fi
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"; [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null; true' EXIT
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $POINTS points"
python3 - "$DIR" "$POINTS" <<'PY'
import base64, json, random, struct, sys
directory, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(3)
points = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(count)]
function = {"type": "expression", "inputs": [{"name": "x", "size": 3}], "outputs": ["x[0]^2", "x[1]^3", "x[2]^4"]}
with open(directory + "/json.json", "w") as f:
    json.dump({"function": function, "points": points}, f)
raw = struct.pack("<%dd" % (3 * count), *[v for p in points for v in p])
with open(directory + "/base64.json", "w") as f:
    json.dump({"function": function, "points_base64": base64.b64encode(raw).decode(), "points_shape": [count, 3],
               "encoding": "base64"}, f)
PY
for kind in json base64; do
    times=""
    # One untimed request compiles the function and warms the connection path.
    curl -sS -o "$DIR/answer" -H 'Content-Type: application/json' --data-binary "@$DIR/$kind.json" "$URL/v1/jacobian"
    for _ in 1 2 3 4 5; do
        t=$(curl -sS -o "$DIR/answer" -w '%{time_total}' -H 'Content-Type: application/json' \
            --data-binary "@$DIR/$kind.json" "$URL/v1/jacobian")
        grep -q '"shape"' "$DIR/answer" || { echo "bad answer: $(head -c 300 "$DIR/answer")" >&2; exit 1; }
        times="$times $t"
    done
    median=$(echo "$times" | tr ' ' '\n' | grep . | sort -n | sed -n 3p)
    echo "$kind over HTTP: request $(wc -c < "$DIR/$kind.json") bytes, answer $(wc -c < "$DIR/answer") bytes," \
        "times$times s, median $median s = $(python3 -c "print(f'{$median / $POINTS * 1e6:.3f}')") µs per point"
done
# The base64 answer decodes to the numbers of the JSON answer.
python3 - "$DIR" <<'PY'
import base64, json, struct, sys
directory = sys.argv[1]
answer = json.load(open(directory + "/answer"))
count, (m, n) = answer["count"], answer["shape"]
jacobians = struct.unpack("<%dd" % (count * m * n), base64.b64decode(answer["jacobians_base64"]))
print(f"base64 answer: {count} points, {m}×{n}, first Jacobian {jacobians[:m * n]}")
PY
if [ -x .build/release/jacobian-bench ]; then
    echo "# engine alone, same function and batch size (jacobian-bench engine, flat batch rows; µs per point)"
    ENGINE_BENCH_ONLY="seed 3×3, flat batch" .build/release/jacobian-bench engine | tail -n 3
fi
