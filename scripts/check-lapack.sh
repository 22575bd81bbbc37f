#!/usr/bin/env bash
# check-lapack.sh BINARY DIR[:DIR...]: fails unless, with LD_LIBRARY_PATH=DIRS, BINARY loads liblapack.so.3 and
# libblas.so.3 from those directories, so that a test run said to be on one LAPACK is not silently on another.
set -euo pipefail
binary=$1 dirs=$2
loaded=$(LD_LIBRARY_PATH=$dirs ldd "$binary")
for lib in liblapack.so.3 libblas.so.3; do
  path=$(printf '%s\n' "$loaded" | awk -v lib="$lib" '$1 == lib { print $3 }')
  dir=$(dirname "${path:-/missing}")
  case ":$dirs:" in
    *":$dir:"*) ;;
    *) echo "check-lapack: $binary loads $lib from '${path:-nowhere}', not from $dirs" >&2; exit 1 ;;
  esac
done
echo "check-lapack: with LD_LIBRARY_PATH=$dirs, $binary loads $(printf '%s\n' "$loaded" | awk '$1 == "liblapack.so.3" { print $3 }')"
