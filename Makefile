# The two commands: `make demo` and `make test`. Both install what is missing first.
SHELL := /bin/bash
SWIFT ?= swift
RELEASE_BIN := .build/release/vern
DEBUG_BIN := .build/debug/vern

.PHONY: bootstrap build release test test-slurm demo bench clean

bootstrap:
	@scripts/bootstrap.sh

build: bootstrap
	@$(SWIFT) build

release: bootstrap
	@set -o pipefail; $(SWIFT) build -c release --product vern 2>&1 | { grep -E 'error|Build of' || true; }

test: bootstrap
	@# pipefail: a failed build fails the target even though grep trims its output.
	@set -o pipefail; $(SWIFT) build --build-tests 2>&1 | { grep -E 'error|Build complete' || true; }
	@# The test runner gets the OpenBLAS kernels vern picks for itself (see BLASCore.swift).
	@set -o pipefail; export OPENBLAS_CORETYPE="$${OPENBLAS_CORETYPE:-$$($(DEBUG_BIN) doctor --json --size 64 | python3 -c 'import json,sys; print(json.load(sys.stdin)["blas_core"])')}"; \
		$(SWIFT) test --skip-build --parallel --num-workers 2 2>&1 | tee .build/test.log
	@# One plain closing line for CI: the Swift Testing count (XCTest reports 0: we use Swift Testing).
	@grep -Eo 'Test run with [0-9]+ tests' .build/test.log | tail -n 1 | awk '{print "tests: " $$4 " passed, 0 failed"}'

# The pipeline through a real Slurm: starts a one-node Slurm (Debian's munge, slurmctld, slurmd)
# unless one is running, runs the Slurm tests, and stops what it started. Needs root.
test-slurm: bootstrap
	@set -o pipefail; $(SWIFT) build --build-tests 2>&1 | { grep -E 'error|Build complete' || true; }
	@scripts/slurm/start.sh
	@set -o pipefail; status=0; VERN_SLURM=1 $(SWIFT) test --skip-build --filter SlurmPipelineTests 2>&1 | tee .build/test-slurm.log || status=$$?; \
		scripts/slurm/stop.sh; exit $$status

demo: release
	@scripts/demo.sh $(RELEASE_BIN)

bench: release
	@scripts/bootstrap.sh bench
	@bench/run.sh $(RELEASE_BIN)

clean:
	rm -rf .build demo-out bench/out
