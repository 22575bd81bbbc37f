#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/, with Address Sanitizer) and runs each for a while.
#
#   scripts/fuzz.sh [seconds-per-target] [target ...]     default: 60 seconds, every target; 0 builds and
#                                                          replays the regression inputs only
#   FUZZ_PARALLEL=2 scripts/fuzz.sh 600                    targets run at once (default 2)
#   FUZZ_NICE=19                                           niceness of the build and the fuzzers (default 19)
#   FUZZ_JOBS=2 scripts/fuzz.sh 600                        more processes per target (libFuzzer -fork)
#
# Each target starts from its committed seeds (Fuzz/Corpus/<target>) and the inputs earlier runs found
# (.build-fuzz/corpus/<target>, ignored by git and kept between runs, so that runs add up), and first replays every
# regression input (Fuzz/Regressions/<target>).
# A crash, hang (-timeout), leak or out-of-memory (-rss_limit_mb) stops that target with the input saved as
# .build-fuzz/crashes/<target>-<kind>-<hash>; docs/RELIABILITY.md says how to replay and keep it.
# Every target prints one summary line, `fuzz <target> <seconds>s <executions> execs crash=<yes|no>`, also appended
# to .build-fuzz/executions.log as `<date> <target> <seconds>s <executions> crash=<yes|no>`; the run ends with the
# totals over that log per target (what docs/RELIABILITY.md records).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzHTTP1 FuzzChunked FuzzJSON FuzzRequests FuzzExpression FuzzNetwork FuzzHTTP2 FuzzURDF)
SWIFT=${SWIFT:-swift}
scratch=.build-fuzz
parallel=${FUZZ_PARALLEL:-2}
# The machine is shared with builds: a fuzzer takes only what they leave.
niced=(nice -n "${FUZZ_NICE:-19}")

# Release with assertions kept (-O, not -Ounchecked), so a broken precondition is a crash the fuzzer reports.
(cd Fuzz && "${niced[@]}" "$SWIFT" build -c release --scratch-path "../$scratch" \
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

# Replays the target's regression inputs, then fuzzes it; its output goes to $scratch/<target>.out, its summary
# line is the last line there. Returns non-zero on a finding.
fuzz_target() {
    local target=$1
    local corpus=$scratch/corpus/$target
    mkdir -p "$corpus"
    local regressions=(Fuzz/Regressions/"$target"/*)
    if [ -e "${regressions[0]}" ]; then
        echo "== $target: replaying ${#regressions[@]} regression input(s)"
        "${niced[@]}" "$bin/$target" -runs=1 "${regressions[@]}" >"$scratch/$target.replay.log" 2>&1 \
            || { cat "$scratch/$target.replay.log"; echo "FAIL $target: a regression input fails again"; return 1; }
    fi
    [ "$seconds" -gt 0 ] || return 0
    local dict
    dict=$(dictionary "$target")
    echo "== $target: fuzzing for ${seconds}s"
    local log=$scratch/$target.log
    # -timeout: one input taking longer is a hang; 60 s rather than libFuzzer's 20 because at nice 19 beside builds
    # a fuzzer can be starved for seconds, and a real hang does not finish in 60 s either.
    # -rss_limit_mb/-malloc_limit_mb: memory without bound is an out-of-memory.
    # -max_len: requests are small; URDF documents and request bodies get more room.
    local max_len=4096
    case $target in FuzzURDF|FuzzRequests|FuzzNetwork) max_len=16384 ;; esac
    # FuzzURDF gets more room: XMLParser leaks about 0.4-1 KB per malformed document (scripts/lsan-suppressions.txt),
    # about 2 GB per ten minutes of fuzzing, which would otherwise end every long run as an out-of-memory.
    local rss=2048
    [ "$target" = FuzzURDF ] && rss=8192
    local options=(-max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-60}" -rss_limit_mb=$rss -malloc_limit_mb=1024
                   -max_len=$max_len -print_final_stats=1 -artifact_prefix="$scratch/crashes/$target-")
    [ -n "$dict" ] && options+=(-dict="$dict")
    # FuzzRequests and FuzzURDF check for leaks at exit only. libFuzzer runs a whole-heap LeakSanitizer pass after
    # every input that allocates more than it frees, and every malformed URDF does (XMLParser's string, suppressed in
    # scripts/lsan-suppressions.txt): those passes were 4/5 of both targets' time (FuzzRequests: 268 inputs a second
    # with them, 1,286 without, over its corpus), and after 1,000 of them libFuzzer stops checking each input anyway.
    # Any other leak still fails the run, reported with its stack at exit.
    case $target in FuzzRequests|FuzzURDF) options+=(-detect_leaks=0) ;; esac
    [ -n "${FUZZ_JOBS:-}" ] && options+=(-fork="$FUZZ_JOBS" -ignore_crashes=0)
    local crash=no
    "${niced[@]}" "$bin/$target" "${options[@]}" "$corpus" "Fuzz/Corpus/$target" >"$log" 2>&1 || crash=yes
    # The final stats when the run ended normally (one per process with -fork), else the last status line
    # ("#<executions> ...") before the finding. `grep -a`: the log may hold an input's bytes, and grep would only
    # say "binary file matches".
    local runs
    runs=$(grep -aho 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s += $2} END {print s + 0}')
    [ "$runs" -gt 0 ] || runs=$(grep -ao '^#[0-9]*' "$log" | tail -1 | tr -d '#')
    runs=${runs:-0}
    echo "$(date -u +%FT%TZ) $target ${seconds}s $runs crash=$crash" >>"$scratch/executions.log"
    if [ $crash = yes ]; then
        tail -40 "$log"
        echo "FAIL $target: see $log and $scratch/crashes/"
    fi
    echo "fuzz $target ${seconds}s $runs execs crash=$crash"
    [ $crash = no ]
}

# At most $parallel targets at once; each one's output is shown whole when it ends, so lines do not interleave.
status=0
running=0
finish_one() {
    local done_status=0
    wait -n || done_status=$?
    running=$((running - 1))
    [ $done_status -eq 0 ] || status=1
}
for target in "${targets[@]}"; do
    while [ $running -ge "$parallel" ]; do finish_one; done
    ( rc=0; fuzz_target "$target" >"$scratch/$target.out" 2>&1 || rc=$?; cat "$scratch/$target.out"; exit $rc ) &
    running=$((running + 1))
done
while [ $running -gt 0 ]; do finish_one; done

if [ "$seconds" -gt 0 ]; then
    echo "== executions per target over every run in $scratch/executions.log (runs, seconds, executions, crashes)"
    awk '{ t = $2; n[t]++; s[t] += $3 + 0; e[t] += $4; if ($5 == "crash=yes") c[t]++ }
         END { for (t in n) printf "total %-15s %3d runs %7d s %12d execs %d crashes\n", t, n[t], s[t], e[t], c[t] + 0 }' \
        "$scratch/executions.log" | sort
fi
exit $status
