#!/bin/sh
# POST /v1/jacobian with 100,000 points of the tutorial's 3×3 function, as decimal JSON and as base64 in and out
# (issue 20): median of 5 curl runs each (time_total), against a server already running at ${URL}.
# Usage: scripts/bench-base64.sh [URL] [points]   (default http://127.0.0.1:8080, 100000)
set -eu
URL=${1:-http://127.0.0.1:8080}
POINTS=${2:-100000}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
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
    for _ in 1 2 3 4 5; do
        t=$(curl -sS -o "$DIR/answer" -w '%{time_total}' -H 'Content-Type: application/json' \
            --data-binary "@$DIR/$kind.json" "$URL/v1/jacobian")
        grep -q '"shape"' "$DIR/answer" || { echo "bad answer: $(head -c 300 "$DIR/answer")" >&2; exit 1; }
        times="$times $t"
    done
    median=$(echo "$times" | tr ' ' '\n' | grep . | sort -n | sed -n 3p)
    echo "$kind: request $(wc -c < "$DIR/$kind.json") bytes, answer $(wc -c < "$DIR/answer") bytes, times$times s," \
        "median $median s = $(python3 -c "print(f'{$median / $POINTS * 1e6:.3f}')") µs per point"
done
