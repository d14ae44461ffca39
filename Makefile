# Kratix for Swift. `make test` is the one test command; `make run` starts the platform locally.
SWIFT ?= swift
SHARED ?= $(abspath ../shared)
export KRATIX_SHARED_DIR ?= $(SHARED)

.PHONY: build test run bench manifests check-manifests clean

build:
	$(SWIFT) build

# Two runs of one build: the parsing and generation suites keep both cores busy for a while, and
# the integration suites after them wait on leases, timers and real servers. Both always run.
UNIT_SUITES = ^(KubeModelTests|KratixAPITests|KratixTerraformTests)\.
test:
	$(SWIFT) build --build-tests
	@status=0; \
	$(SWIFT) test --disable-xctest --skip-build --filter '$(UNIT_SUITES)' || status=1; \
	$(SWIFT) test --disable-xctest --skip-build --skip '$(UNIT_SUITES)' || status=1; \
	exit $$status

# The platform on this machine (API server, Job runner, manager, Git state store).
run: build
	.build/debug/kratix dev

# Figures only, never assertions.
# The `platform` section runs workflow pods whose pipeline adapter is the release `kratix` binary.
# One `--product` per build: SwiftPM builds only the last one given.
bench:
	$(SWIFT) build -c release --product kratix
	$(SWIFT) build -c release --product kratix-bench
	.build/release/kratix-bench $(SHARED)

# Regenerate the CRDs from their Swift definitions (tests fail while the files are stale).
manifests: build
	.build/debug/kratix manifests crds --output manifests/crds

clean:
	rm -rf .build
