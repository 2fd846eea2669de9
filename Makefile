# The two commands that matter: `make demo` and `make test`. Both install what is missing first.
SWIFT        ?= swift
# Release binaries come from scripts/build-release only (one set of flags, one release tree).
REPRO_RELEASE = .build/release/repro

.PHONY: bootstrap bootstrap-test build build-debug demo test bench conformance format-lint clean publish

bootstrap:
	@scripts/bootstrap

bootstrap-test:
	@scripts/bootstrap --test

build: bootstrap
	SWIFT=$(SWIFT) scripts/build-release repro repro-step

build-debug: bootstrap
	$(SWIFT) build --build-tests

demo: build
	$(REPRO_RELEASE) run mlperf-demo --reuse-measured

# The Slurm tests need the single-node cluster, and the cluster tests a controller with four one-CPU nodes in
# network namespaces (scripts/slurm-local --nodes): both started before the tests, stopped after, whatever happens.
CLUSTER = SLURM_BASE=/tmp/repro-slurm-nodes SLURM_CTLD_PORT=6927 SLURM_CPUS=1
test: bootstrap-test format-lint
	$(SWIFT) build --build-tests
	@scripts/slurm-local start || echo "make test: Slurm did not start; the Slurm tests will say why" >&2
	@$(CLUSTER) scripts/slurm-local start --nodes 4 || echo "make test: the 4-node Slurm did not start; the cluster tests will say why" >&2
	@status=0; SLURM_CONF=$${SLURM_BASE:-/tmp/repro-slurm}/slurm.conf $(SWIFT) test --skip-build || status=$$?; \
	  scripts/slurm-local stop; $(CLUSTER) scripts/slurm-local stop; \
	  for kernels in avx2 portable; do \
	    echo "make test: the kernels again with REPRO_KERNELS=$$kernels"; \
	    REPRO_KERNELS=$$kernels $(SWIFT) test --skip-build --filter KernelsTests || status=$$?; \
	  done; exit $$status

bench: build
	SWIFT=$(SWIFT) scripts/build-release repro-bench
	Benchmarks/run

# Re-makes every published result (published/mlperf-digits-short, which make test reproduces, and
# published/mlperf-digits) from this commit of a clean checkout, checks the short one reproduces, and says what to
# commit (docs/results.md, "Publishing a result"). Commits nothing itself.
publish: bootstrap
	SWIFT=$(SWIFT) scripts/republish

# The project's own style (.swift-format: 4 spaces, 120 columns); `make test` runs it first.
format-lint:
	$(SWIFT) format lint --strict -r Sources Tests Benchmarks/Sources Plugins Package.swift

clean:
	rm -rf .build

# The official MLCommons inference checker on a resnet null-SUT tree made by repro:
#   make conformance MLPERF_INFERENCE_SRC=~/src/inference                       # 600 s per run (open: ~35 min)
#   make conformance MLPERF_INFERENCE_SRC=... CONFORMANCE_DURATION_MS=10000     # short: only the duration errors
#   make conformance MLPERF_INFERENCE_SRC=... CONFORMANCE_DIVISION=closed       # + TEST01 and TEST04 (~95 min)
#   make conformance MLPERF_INFERENCE_SRC=... CONFORMANCE_VERSION=v5.1          # another round's layout and seeds
CONFORMANCE_DURATION_MS ?= 600000
CONFORMANCE_DIVISION ?= open
CONFORMANCE_VERSION ?= v6.1
conformance: build
	@test -n "$(MLPERF_INFERENCE_SRC)" || { echo "make conformance: set MLPERF_INFERENCE_SRC to an mlcommons/inference checkout"; exit 2; }
	@scripts/bootstrap --conformance
	$(REPRO_RELEASE) submit mlperf-submission-resnet-null min_duration_ms=$(CONFORMANCE_DURATION_MS) \
	  division=$(CONFORMANCE_DIVISION) --version $(CONFORMANCE_VERSION) --out conformance \
	  --official-checker $(MLPERF_INFERENCE_SRC)
