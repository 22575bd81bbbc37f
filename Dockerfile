# syntax=docker/dockerfile:1
#
# The Jacobian service as a container: build with the official Swift image, run on slim Debian.
#
#   docker build -t jacobian-service .
#   docker run --rm -p 8080:8080 jacobian-service
#   docker run --rm -p 8080:8080 jacobian-service --workers 4 --log-level debug   # flags replace CMD
#
# Assumption: the official image tag `swift:<version>-bookworm` exists for the toolchain the project is developed
# with (6.3). The package needs tools 6.0 or newer; pick another official tag with
# `docker build --build-arg SWIFT_VERSION=6.1 .` if 6.3 is not published where you build.

ARG SWIFT_VERSION=6.3

# ---- build stage ---------------------------------------------------------------------------------------------------
FROM swift:${SWIFT_VERSION}-bookworm AS build

# The development headers of the two C libraries the package links against (Sources/CLAPACK, Sources/CNGHTTP2).
# Versions are not pinned: the stage is thrown away and Debian stable only ships security fixes for these.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends liblapacke-dev libnghttp2-dev libxml2-dev libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Resolve dependencies in their own layer so that a source change does not download them again.
COPY Package.swift ./
RUN swift package resolve

# openapi.yaml is embedded into the binary at build time (Sources/JacobianAPI/Resources links to it).
COPY openapi.yaml ./
COPY Sources ./Sources
COPY Tests ./Tests

# The Swift standard library and Foundation are linked statically: the runtime stage needs no Swift toolchain.
RUN swift build -c release --static-swift-stdlib --product jacobian-server \
    && mkdir -p /staging \
    && cp "$(swift build -c release --show-bin-path)/jacobian-server" /staging/

# ---- runtime stage -------------------------------------------------------------------------------------------------
FROM debian:bookworm-slim

# Only the shared libraries the binary loads (`ldd jacobian-server`): LAPACK (liblapacke pulls liblapack3 and a BLAS),
# nghttp2, libxml2 (FoundationXML parses URDF arms with it, and links it dynamically even with the static stdlib),
# and the C++ runtime the static Swift runtime still links dynamically (already in the base image; listed
# so that it stays). Not pinned for the same reason as above; rebuilding the image picks up security updates.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends liblapacke libnghttp2-14 libxml2 libssl3 libstdc++6 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --user-group --no-create-home --no-log-init --shell /usr/sbin/nologin jacobian

# One self-contained binary: the OpenAPI document it serves is compiled in.
COPY --from=build /staging/jacobian-server /usr/local/bin/

# A numeric user so that Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001

ENV HOST=0.0.0.0 \
    PORT=8080
EXPOSE 8080

# The binary probes itself (GET /healthz on the loopback, on $PORT): no curl in the image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["jacobian-server", "--healthcheck"]

ENTRYPOINT ["jacobian-server"]
# Arguments given to `docker run IMAGE ...` replace these; every flag also has an environment variable.
CMD ["--log-level", "info"]
