# The two commands that matter: `make demo` and `make test`. Both install what is missing first.
SWIFT        ?= swift
RELEASE_FLAGS = -c release --static-swift-stdlib
REPRO_RELEASE = .build/release/repro

.PHONY: bootstrap bootstrap-test build build-debug demo test bench format-lint clean

bootstrap:
	@scripts/bootstrap

bootstrap-test:
	@scripts/bootstrap --test

build: bootstrap
	$(SWIFT) build $(RELEASE_FLAGS) --product repro
	$(SWIFT) build $(RELEASE_FLAGS) --product repro-step

build-debug: bootstrap
	$(SWIFT) build --build-tests

demo: build
	$(REPRO_RELEASE) run mlperf-demo --reuse-measured

# The Slurm tests need the single-node cluster: started before the tests, stopped after, whatever happens.
test: bootstrap-test
	$(SWIFT) build --build-tests
	@scripts/slurm-local start || echo "make test: Slurm did not start; the Slurm tests will say why" >&2
	@status=0; SLURM_CONF=$${SLURM_BASE:-/tmp/repro-slurm}/slurm.conf $(SWIFT) test --skip-build || status=$$?; \
	  scripts/slurm-local stop; exit $$status

bench: build
	Benchmarks/run

format-lint:
	$(SWIFT) format lint --strict -r Sources Tests

clean:
	rm -rf .build
