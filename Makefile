# Kratix for Swift. `make test` is the one test command; `make run` starts the platform locally.
SWIFT ?= swift
SHARED ?= $(abspath ../shared)
export KRATIX_SHARED_DIR ?= $(SHARED)

.PHONY: build test run bench manifests check-manifests clean deps image-check

# What the tests drive, installed once by scripts/install-deps (the same list `.ci/run` uses): system
# tools through apt when missing, the Python peers and Terraform 1.0.3 under .build/tools.
TOOLS = $(CURDIR)/.build/tools

build:
	$(SWIFT) build

deps:
	scripts/install-deps test

# Two runs of one build: the parsing and generation suites keep both cores busy for a while, and
# the integration suites after them wait on leases, timers and real servers. Both always run.
UNIT_SUITES = ^(KubeModelTests|KratixAPITests|KratixTerraformTests)\.
# At most this many integration tests at once. Each starts API servers, managers, runners and
# peers in the one test process; all 160 suites at once left its two cooperative threads so far
# behind that an API server answered kubectl after 32 s and timers (a lease's retry, a pod's
# deadline) fired many seconds late. With twelve the suite passed, and sooner (234 s, against
# 270–360 s and 4–11 failures unbounded, on a slow two-core host).
TEST_WIDTH ?= 12
# The tests find the Python peers first on PATH and Terraform 1.0.3 by path (KRATIX_TERRAFORM).
test: deps
	$(SWIFT) build --build-tests
	@export PATH="$(TOOLS)/bin:$$PATH" KRATIX_TERRAFORM="$(TOOLS)/terraform/terraform"; status=0; \
	$(SWIFT) test --disable-xctest --skip-build --filter '$(UNIT_SUITES)' || status=1; \
	$(SWIFT) test --disable-xctest --skip-build --skip '$(UNIT_SUITES)' --experimental-maximum-parallelization-width $(TEST_WIDTH) || status=1; \
	exit $$status

# The platform on this machine (API server, Job runner, manager, Git state store).
run:
	scripts/install-deps run
	$(SWIFT) build
	.build/debug/kratix dev

# Figures only, never assertions.
# The `platform` section runs workflow pods whose pipeline adapter is the release `kratix` binary.
# One `--product` per build: SwiftPM builds only the last one given.
bench:
	$(SWIFT) build -c release --product kratix
	$(SWIFT) build -c release --product kratix-bench
	.build/release/kratix-bench $(SHARED)

# The container image's parts without a container engine: the Dockerfile's static build, its runtime
# root filesystem (debootstrap, cached under .build/image-check) and the binary run inside it as the
# image runs it (scripts/image-check). Root only; slow, so `.ci/run` leaves it out.
image-check:
	scripts/image-check

# Regenerate the CRDs from their Swift definitions (tests fail while the files are stale).
manifests: build
	.build/debug/kratix manifests crds --output manifests/crds

clean:
	rm -rf .build
