#!/usr/bin/env bash
# Renders the pictures in docs/pictures from a running server (default localhost:8080): the tutorial's network
# sensitivity heatmap, the two-joint IK step, the three-joint solve, a path of IK targets and the ten-step Newton trajectory, as SVG
# straight from the API and as PNG through rsvg-convert (Debian's librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-http://localhost:8080}
out=docs/pictures
mkdir -p "$out"
command -v rsvg-convert >/dev/null || scripts/install-deps.sh librsvg2-bin

curl -s --fail-with-body --json @docs/examples/network-sensitivity.json -H 'Accept: image/svg+xml' \
  "$base/v1/jacobian" -o "$out/network-sensitivity.svg"
curl -s --fail-with-body --json @docs/examples/network-parameters.json -H 'Accept: image/svg+xml' \
  "$base/v1/jacobian" -o "$out/network-parameters.svg"
curl -s --fail-with-body --json '{"arm": {"type": "planar", "link_lengths": [1.0, 0.8]}, "joint_angles": [0.5, 0.5], "target": [1.5, 0.5]}' \
  "$base/v1/ik?format=svg" -o "$out/ik-two-joint-step.svg"
curl -s --fail-with-body --json '{"arm": {"type": "planar", "link_lengths": [1.0, 0.8, 0.6]}, "joint_angles": [0.3, 0.3, 0.3], "target": [1.2, 1.1], "max_iterations": 50}' \
  "$base/v1/ik?format=svg" -o "$out/ik-three-joint-solve.svg"
curl -s --fail-with-body --json @docs/examples/ik-path-circle.json -H 'Accept: image/svg+xml' \
  "$base/v1/ik" -o "$out/ik-path-circle.svg"
curl -s --fail-with-body --json '{"function": {"type": "expression", "inputs": ["x0", "x1"], "outputs": ["(x0-2)^2 + (x1-3)^2", "(x0-1)^2 + (x1-1)^2"]}, "point": [0, 0], "step_size": 0.1, "max_iterations": 10}' \
  "$base/v1/newton?format=svg" -o "$out/newton-trajectory.svg"

for svg in "$out"/*.svg; do
  rsvg-convert "$svg" -o "${svg%.svg}.png"
done
ls -l "$out"
