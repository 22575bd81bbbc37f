#!/usr/bin/env bash
# Installs the reference LAPACK/BLAS and OpenBLAS side by side, so that the tests can run on each by pointing
# LD_LIBRARY_PATH at its directory (the Makefile's test-swift target), and leaves the system's choice as it was.
#
# Installing OpenBLAS would otherwise make it the system's liblapack.so.3 and libblas.so.3: Debian chooses between
# them with update-alternatives, and OpenBLAS has the higher priority. The selection before the install is put back
# (which turns an alternative in automatic mode into a manual one, with the same library selected).
set -euo pipefail
cd "$(dirname "$0")/.."

arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
alternatives=("liblapack.so.3-$arch" "libblas.so.3-$arch")
selected() { update-alternatives --query "$1" 2>/dev/null | awk '$1 == "Value:" { print $2 }'; }

declare -A before
for name in "${alternatives[@]}"; do before[$name]=$(selected "$name"); done

scripts/install-deps.sh liblapack3 libblas3 libopenblas0-pthread

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
for name in "${alternatives[@]}"; do
  was=${before[$name]}
  if [ -n "$was" ] && [ "$(selected "$name")" != "$was" ]; then
    echo "install-lapacks: keeping $was as the system's ${name%%-*}"
    $sudo update-alternatives --quiet --set "$name" "$was"
  fi
done
