#!/usr/bin/env bash
# The engine benchmark and its PyTorch/JAX peers in one sitting, so the figures can be compared side by side
# (the machine's speed drifts between runs). Usage: scripts/bench-engine.sh [output-file]
#
#   PEERS_VENV    virtual environment holding torch, jax and numpy (default /tmp/peers; created when missing)
#   PEERS_SCRIPT  the peers' timing script (default bench/peers/peers_engine.py)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${PEERS_VENV:-/tmp/peers}
peers=${PEERS_SCRIPT:-bench/peers/peers_engine.py}

run() {
    echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# swift run -c release jacobian-bench engine"
    swift run -c release jacobian-bench engine

    if [ ! -f "$peers" ]; then
        echo "# peers skipped: $peers not found"
        return 0
    fi
    if ! "$venv/bin/python" -c 'import torch, jax, numpy' 2>/dev/null; then
        echo "# installing torch, jax and numpy into $venv" >&2
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --progress-bar off torch jax numpy >&2
    fi
    echo "# $venv/bin/python $peers"
    "$venv/bin/python" "$peers"
}

if [ $# -gt 0 ]; then run | tee "$1"; else run; fi
