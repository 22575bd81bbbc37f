#!/usr/bin/env bash
# Builds the image from the Dockerfile as written, runs it, and checks it from outside:
# /healthz, the tutorial's Jacobian, HTTP/2 with prior knowledge, uid 10001, a read-only root filesystem,
# the image's own HEALTHCHECK, and SIGTERM draining an in-flight request before a clean exit.
# Prints the image's size, the build time and the time from `run` to the first answer.
#
#   scripts/container-test.sh            (as root, or with sudo available; Debian/Ubuntu)
#
# Tools: podman (with runc, as crun refuses cgroup v1 setups such as this machine's) and mmdebstrap, installed when
# missing. Base images: the official ones are pulled when a registry answers; otherwise they are made locally:
#   - debian:bookworm-slim from `mmdebstrap --variant=minbase bookworm`, imported under its official name;
#   - swift:$SWIFT_VERSION-bookworm as a Debian image holding the Swift toolchain's system dependencies, with the
#     toolchain of this machine's `swift` and the local Swift package mirror (git's url.<mirror>.insteadOf) mounted
#     read-only into the build at the same paths, and the same git setting in the image.
# Either way the Dockerfile is built unchanged with --pull=never.
#
# Environment: IMAGE (tag to build, default jacobian-service:container-test), SWIFT_VERSION (default: the
# Dockerfile's ARG), NO_CACHE=1 builds without podman's layer cache, KEEP=1 leaves the container running.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-jacobian-service:container-test}
NAME=jacobian-container-test-$$
WORK=$PWD/.build-container
SWIFT_VERSION=${SWIFT_VERSION:-$(sed -n 's/^ARG SWIFT_VERSION=//p' Dockerfile)}
DEBIAN_IMAGE=docker.io/library/debian:bookworm-slim
SWIFT_IMAGE=docker.io/library/swift:${SWIFT_VERSION}-bookworm
LOCAL_LABEL=org.jacobian-service.local-stand-in
# podman's default runtime (crun) refuses this machine's cgroup setup; its default ulimits exceed the hard limits.
PODMAN=(podman --runtime runc)
RUN_LIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)

say() { printf '\n== %s\n' "$*"; }
fail() { printf 'container-test: FAIL: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

mkdir -p "$WORK"
scripts/install-deps.sh podman runc mmdebstrap curl nghttp2-client python3

# ---- base images ----------------------------------------------------------------------------------------------------
have_image() { podman image exists "$1"; }
is_local_stand_in() { [ "$(podman image inspect --format "{{ index .Labels \"$LOCAL_LABEL\" }}" "$1" 2>/dev/null)" = "true" ]; }
try_pull() { timeout 60 podman pull --quiet "$1" >/dev/null 2>&1; }

# Apt inside the images reads the same snapshot mirror as the host, which may be older than its Valid-Until.
# Documentation, manual pages and translations are left out, as the official slim images do.
APT_OPTS=(--aptopt='Acquire::Check-Valid-Until "false"' --aptopt='Acquire::Check-Date "false"'
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*')

# The apt settings the official images carry (debuerreotype's docker-clean and friends): without them every
# `apt-get install` layer would keep apt's 80 MB package caches.
write_docker_apt_settings() {
  mkdir -p "$WORK/apt.conf.d"
  cat > "$WORK/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::GzipIndexes "true";' > "$WORK/apt.conf.d/docker-gzip-indexes"
  echo 'Acquire::Languages "none";' > "$WORK/apt.conf.d/docker-no-languages"
  echo 'Apt::AutoRemove::SuggestsImportant "false";' > "$WORK/apt.conf.d/docker-autoremove-suggests"
}

make_debian_image() {
  say "no registry answered: making $DEBIAN_IMAGE with mmdebstrap"
  rm -f "$WORK/debian.tar"
  write_docker_apt_settings
  # merged-usr: /usr merged as in the official image, without the usrmerge package (and the perl it pulls in).
  mmdebstrap --quiet --variant=minbase "${APT_OPTS[@]}" --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --customize-hook='rm -f "$1"/var/cache/apt/*.bin' \
    --customize-hook="copy-in $WORK/apt.conf.d/docker-clean $WORK/apt.conf.d/docker-gzip-indexes $WORK/apt.conf.d/docker-no-languages $WORK/apt.conf.d/docker-autoremove-suggests /etc/apt/apt.conf.d" \
    bookworm "$WORK/debian.tar"
  podman import --quiet --change "LABEL $LOCAL_LABEL=true" --change 'CMD ["bash"]' \
    "$WORK/debian.tar" "$DEBIAN_IMAGE" >/dev/null
  rm -f "$WORK/debian.tar"
}

# The packages the official swift:*-bookworm image installs for the toolchain (its Dockerfile), plus git's setting.
SWIFT_DEPS=binutils,git,gnupg2,libc6-dev,libcurl4-openssl-dev,libedit2,libgcc-12-dev,libpython3-dev,libsqlite3-0,libstdc++-12-dev,libxml2-dev,libncurses-dev,libz3-dev,pkg-config,tzdata,zip,unzip,zlib1g-dev,ca-certificates
# The toolchain directory holding usr/bin/swift (/opt/swift here).
SWIFT_TOOLCHAIN=$(dirname "$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")")
# git's url.<mirror>.insteadOf settings (the local Swift package mirror), and the mirror's directory.
INSTEADOF=$(git config --system --get-regexp 'insteadof' || true)
MIRROR=$(printf '%s\n' "$INSTEADOF" | awk 'NF { sub(/^url\./, "", $1); sub(/\.insteadof$/, "", $1); print $1; exit }')
MIRROR=${MIRROR%/}
make_swift_image() {
  say "no registry answered: making $SWIFT_IMAGE (toolchain $SWIFT_TOOLCHAIN mounted at build time)"
  local gitconfig="$WORK/gitconfig"
  : > "$gitconfig"
  printf '%s\n' "$INSTEADOF" | while read -r key value; do
    if [ -n "$key" ]; then git config --file "$gitconfig" --add "$key" "$value"; fi
  done
  rm -f "$WORK/swift.tar"
  mmdebstrap --quiet --variant=minbase "${APT_OPTS[@]}" --include="$SWIFT_DEPS" \
    --customize-hook="copy-in $gitconfig /etc" bookworm "$WORK/swift.tar"
  podman import --quiet --change "LABEL $LOCAL_LABEL=true" \
    --change "ENV PATH=$SWIFT_TOOLCHAIN/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change 'CMD ["bash"]' "$WORK/swift.tar" "$SWIFT_IMAGE" >/dev/null
  rm -f "$WORK/swift.tar"
}

base_start=$(now)
have_image "$DEBIAN_IMAGE" || try_pull "$DEBIAN_IMAGE" || make_debian_image
have_image "$SWIFT_IMAGE" || try_pull "$SWIFT_IMAGE" || make_swift_image
base_seconds=$(since "$base_start")

# The local stand-in has no toolchain of its own: lend it this machine's, and the package mirror, read-only.
BUILD_MOUNTS=()
if is_local_stand_in "$SWIFT_IMAGE"; then
  BUILD_MOUNTS+=(-v "$SWIFT_TOOLCHAIN:$SWIFT_TOOLCHAIN:ro")
  [ -n "$MIRROR" ] && [ -d "$MIRROR" ] && BUILD_MOUNTS+=(-v "$MIRROR:$MIRROR:ro")
fi

# ---- build ----------------------------------------------------------------------------------------------------------
say "building $IMAGE from the Dockerfile (swift $SWIFT_VERSION)"
# The docker format keeps HEALTHCHECK (the OCI image format has no field for it and podman would drop it).
build_start=$(now)
CACHE=()
[ "${NO_CACHE:-0}" = 1 ] && CACHE=(--no-cache)
"${PODMAN[@]}" build --pull=never --isolation chroot --format docker "${CACHE[@]}" "${BUILD_MOUNTS[@]}" \
  --build-arg "SWIFT_VERSION=$SWIFT_VERSION" -t "$IMAGE" .
build_seconds=$(since "$build_start")
size_bytes=$(podman image inspect --format '{{.Size}}' "$IMAGE")

# ---- run ------------------------------------------------------------------------------------------------------------
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
cleanup() {
  [ "${KEEP:-0}" = 1 ] && { echo "container $NAME left running on port $PORT"; return; }
  podman rm --force --ignore "$NAME" >/dev/null 2>&1 || true
}
trap cleanup EXIT

say "running $IMAGE on port $PORT (host network, read-only root filesystem)"
run_start=$(now)
"${PODMAN[@]}" run --detach --name "$NAME" --network host "${RUN_LIMITS[@]}" --read-only \
  -e PORT="$PORT" -e JACOBIAN_SOLVE_TIME_LIMIT=120 -e JACOBIAN_SHUTDOWN_DELAY=0 "$IMAGE" 2> "$WORK/run.err" >/dev/null \
  || { cat "$WORK/run.err" >&2; fail "podman run"; }
# Without systemd, podman cannot schedule the periodic health checks (it says so on stderr); the check is run
# explicitly below.
grep -v 'systemd' "$WORK/run.err" >&2 || true
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
  sleep 0.1
done
first_answer_seconds=$(since "$run_start")
curl -fsS "$BASE/healthz" >/dev/null || { podman logs "$NAME" >&2 || true; fail "/healthz never answered"; }
echo "ok: /healthz answered ${first_answer_seconds} s after podman run"

# The tutorial's Jacobian, compared with its expected values.
body=$(python3 - <<'EOF'
import json
print(json.dumps({"function": {"type": "expression", "inputs": ["x", "y"],
                               "outputs": ["x^2 * y", "sin(x) + exp(y)"]}, "point": [1.5, -0.5]}))
EOF
)
answer=$(curl -fsS --json "$body" "$BASE/v1/jacobian") || fail "POST /v1/jacobian"
python3 - "$answer" <<'EOF' || fail "tutorial Jacobian: $answer"
import json, math, sys
j = json.loads(sys.argv[1])["jacobian"]
x, y = 1.5, -0.5
want = [[2 * x * y, x * x], [math.cos(x), math.exp(y)]]
assert all(math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15) for ra, rb in zip(j, want) for a, b in zip(ra, rb)), j
EOF
echo "ok: the tutorial's Jacobian"

# HTTP/2 with prior knowledge (no upgrade): curl says which protocol it spoke.
proto=$(curl -sS --http2-prior-knowledge -o /dev/null -w '%{http_version} %{http_code}' "$BASE/healthz")
[ "$proto" = "2 200" ] || fail "HTTP/2 prior knowledge: got '$proto'"
echo "ok: HTTP/2 with prior knowledge"

# The server process's real uid, read from the host's /proc, and the root filesystem.
pid=$(podman inspect --format '{{.State.Pid}}' "$NAME")
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
[ "$uid" = 10001 ] || fail "server runs as uid $uid, expected 10001"
[ "$(podman inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$NAME")" = true ] || fail "root filesystem not read-only"
if podman exec "$NAME" sh -c ': > /probe' 2>/dev/null; then fail "wrote a file into the root filesystem"; fi
echo "ok: uid 10001, read-only root filesystem"

# The image's HEALTHCHECK, as recorded in the image, run inside the container.
healthcheck=$(podman image inspect --format '{{json .Config.Healthcheck.Test}}' "$IMAGE")
[ "$healthcheck" = '["CMD","jacobian-server","--healthcheck"]' ] || fail "image HEALTHCHECK is $healthcheck"
podman healthcheck run "$NAME" 2> >(grep -v systemd >&2) || fail "HEALTHCHECK command failed inside the container"
echo "ok: HEALTHCHECK $healthcheck succeeds inside the container"

# SIGTERM while a request is being computed: it must be answered, and the process must exit 0.
# A Newton solve that takes long enough to be seen in flight: sin(xᵢ) + 2 has no root and the iterates never settle,
# so each of the 500 iterations factors a 120×120 Jacobian (about 3 s here; the solve limit is raised). The shutdown
# delay is 0 so that the listener closes at once and the request is answered by the drain, not before it.
slow=$(python3 - <<'EOF'
import json
n = 120
print(json.dumps({"function": {"type": "expression", "inputs": [f"x{i}" for i in range(n)],
                               "outputs": [f"sin(x{i}) + 2" for i in range(n)]},
                  "point": [0.5 + 0.01 * i for i in range(n)], "max_iterations": 500}))
EOF
)
in_flight() { curl -fsS "$BASE/metrics" | awk '$1 == "http_requests_in_flight" { print int($2) }'; }
idle=$(in_flight)  # what a scrape reports with nothing else running
curl -sS -o "$WORK/drain.json" -w '%{http_code}' --json "$slow" "$BASE/v1/newton" > "$WORK/drain.status" &
curl_pid=$!
busy=0
for _ in $(seq 1 200); do
  busy=$(in_flight)
  [ "${busy:-0}" -gt "${idle:-0}" ] && break
  sleep 0.05
done
[ "${busy:-0}" -gt "${idle:-0}" ] || fail "the slow request was never seen in flight"
term_start=$(now)
podman kill --signal TERM "$NAME" >/dev/null
# The listener closes at once (shutdown delay 0): new connections are refused while the solve goes on.
refused=no
for _ in $(seq 1 40); do
  kill -0 "$curl_pid" 2>/dev/null || break
  if ! curl -s -o /dev/null --max-time 1 "$BASE/healthz"; then refused=yes; break; fi
  sleep 0.05
done
exit_code=$(podman wait "$NAME")
wait "$curl_pid" || true
drain_seconds=$(since "$term_start")
status=$(cat "$WORK/drain.status")
[ "$status" = 200 ] || fail "in-flight request during SIGTERM got HTTP $status: $(head -c 300 "$WORK/drain.json")"
[ "$exit_code" = 0 ] || { podman logs "$NAME" | tail -5 >&2; fail "exit status $exit_code after SIGTERM"; }
echo "ok: SIGTERM drained the in-flight request (200) and the process exited 0, ${drain_seconds} s after the signal"
echo "   new connections refused while the request was still running: $refused"
podman logs "$NAME" 2>&1 | grep -E 'stop requested|drained' | sed 's/^/   log: /'

say "summary"
printf 'image              %s\n' "$IMAGE"
printf 'image size         %s MB (%s bytes)\n' "$(awk -v b="$size_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')" "$size_bytes"
printf 'base images        %s s (%s)\n' "$base_seconds" \
  "$(is_local_stand_in "$DEBIAN_IMAGE" && echo "local stand-ins made or reused" || echo "official")"
printf 'build time         %s s%s\n' "$build_seconds" "$([ "${NO_CACHE:-0}" = 1 ] && echo ' (no layer cache)')"
printf 'first answer       %s s after podman run\n' "$first_answer_seconds"
echo "container-test: PASS"
