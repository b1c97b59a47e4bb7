# The two commands: `make demo` and `make test`. Both install what is missing first.
SHELL := /bin/bash
SWIFT ?= swift
RELEASE_BIN := .build/release/vern

.PHONY: bootstrap build release test demo bench clean

bootstrap:
	@scripts/bootstrap.sh

build: bootstrap
	@$(SWIFT) build

release: bootstrap
	@$(SWIFT) build -c release --product vern 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]|^Building|^Build of|^Compiling|^Write' || true
	@test -x $(RELEASE_BIN) || (echo "release build failed" >&2; exit 1)

test: bootstrap
	@$(SWIFT) build --build-tests 2>&1 | grep -E 'error|warning: unre|Compiling vern|Build complete' || true
	@$(SWIFT) test --skip-build --parallel --num-workers 2

demo: release
	@scripts/demo.sh $(RELEASE_BIN)

bench: release
	@scripts/bootstrap.sh bench
	@bench/run.sh $(RELEASE_BIN)

clean:
	rm -rf .build demo-out bench/out
