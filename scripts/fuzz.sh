#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/, with Address Sanitizer) and runs each for a while.
#
#   scripts/fuzz.sh [seconds-per-target] [target ...]     default: 60 seconds, every target; 0 builds and
#                                                          replays the regression inputs only
#   FUZZ_JOBS=2 scripts/fuzz.sh 600                        more processes per target (libFuzzer -fork)
#
# Each target starts from its committed seeds (Fuzz/Corpus/<target>) and the inputs earlier runs found
# (.build-fuzz/corpus/<target>, not committed), and first replays every regression input (Fuzz/Regressions/<target>).
# A crash, hang (-timeout), leak or out-of-memory (-rss_limit_mb) stops the run with the input saved as
# .build-fuzz/crashes/<target>-<kind>-<hash>; docs/RELIABILITY.md says how to replay and keep it.
# The last line of each target is its execution count, also appended to .build-fuzz/executions.log.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzHTTP1 FuzzChunked FuzzJSON FuzzRequests FuzzExpression FuzzNetwork FuzzHTTP2 FuzzURDF)
SWIFT=${SWIFT:-swift}
scratch=.build-fuzz

# Release with assertions kept (-O, not -Ounchecked), so a broken precondition is a crash the fuzzer reports.
(cd Fuzz && "$SWIFT" build -c release --scratch-path "../$scratch" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
bin=$scratch/release

dictionary() {
    case $1 in
        FuzzHTTP1|FuzzChunked) echo Fuzz/Dictionaries/http.dict ;;
        FuzzJSON|FuzzRequests|FuzzNetwork) echo Fuzz/Dictionaries/json.dict ;;
        FuzzExpression) echo Fuzz/Dictionaries/formula.dict ;;
        FuzzURDF) echo Fuzz/Dictionaries/urdf.dict ;;
        *) echo "" ;;
    esac
}

# A crash's report is libFuzzer's and the sanitizer's; Swift's own backtracer would only trip over ASan.
export SWIFT_BACKTRACE=enable=no
# Leaks in the toolchain's libraries, each justified in the file.
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
mkdir -p "$scratch/crashes"
status=0
for target in "${targets[@]}"; do
    corpus=$scratch/corpus/$target
    mkdir -p "$corpus"
    regressions=(Fuzz/Regressions/"$target"/*)
    if [ -e "${regressions[0]}" ]; then
        echo "== $target: replaying ${#regressions[@]} regression input(s)"
        "$bin/$target" -runs=1 "${regressions[@]}" >"$scratch/$target.replay.log" 2>&1 \
            || { cat "$scratch/$target.replay.log"; echo "FAIL $target: a regression input fails again"; status=1; continue; }
    fi
    [ "$seconds" -gt 0 ] || continue
    dict=$(dictionary "$target")
    echo "== $target: fuzzing for ${seconds}s"
    log=$scratch/$target.log
    # -timeout: one input taking longer is a hang. -rss_limit_mb/-malloc_limit_mb: memory without bound is
    # an out-of-memory. -max_len: requests are small; URDF documents and request bodies get more room.
    max_len=4096
    case $target in FuzzURDF|FuzzRequests|FuzzNetwork) max_len=16384 ;; esac
    # FuzzURDF gets more room: XMLParser leaks about 1 KB per malformed document (scripts/lsan-suppressions.txt),
    # about 2 GB per ten minutes of fuzzing, which would otherwise end every long run as an out-of-memory.
    rss=2048
    [ "$target" = FuzzURDF ] && rss=8192
    options=(-max_total_time="$seconds" -timeout=20 -rss_limit_mb=$rss -malloc_limit_mb=1024 -max_len=$max_len
             -print_final_stats=1 -artifact_prefix="$scratch/crashes/$target-")
    [ -n "$dict" ] && options+=(-dict="$dict")
    [ -n "${FUZZ_JOBS:-}" ] && options+=(-fork="$FUZZ_JOBS" -ignore_crashes=0)
    if "$bin/$target" "${options[@]}" "$corpus" "Fuzz/Corpus/$target" >"$log" 2>&1; then
        runs=$(grep -ho 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s += $2} END {print s + 0}')
        echo "$(date -u +%FT%TZ) $target ${seconds}s $runs" >>"$scratch/executions.log"
        echo "ok $target: $runs executions"
    else
        tail -40 "$log"
        echo "FAIL $target: see $log and $scratch/crashes/"
        status=1
    fi
done
exit $status
