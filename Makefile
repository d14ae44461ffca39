# Kratix for Swift. `make test` is the one test command; `make run` starts the platform locally.
SWIFT ?= swift
SHARED ?= $(abspath ../shared)
export KRATIX_SHARED_DIR ?= $(SHARED)

.PHONY: build test run bench manifests check-manifests clean

build:
	$(SWIFT) build

test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --disable-xctest --skip-build

# The platform on this machine (API server, Job runner, manager, Git state store).
run: build
	@if .build/debug/kratix dev --help >/dev/null 2>&1 && ! .build/debug/kratix dev --data-dir /nonexistent/probe 2>&1 | grep -q "not implemented"; then \
		.build/debug/kratix dev; \
	else \
		echo "kratix dev is not implemented yet: it needs the embedded API server, the Job runner and the manager (issues 4, 5, 7, 9)."; \
		echo "Available now: .build/debug/kratix validate FILE..., .build/debug/kratix manifests crds"; \
		exit 1; \
	fi

# Figures only, never assertions.
bench:
	$(SWIFT) build -c release --product kratix-bench
	.build/release/kratix-bench $(SHARED)

# Regenerate the CRDs from their Swift definitions (tests fail while the files are stale).
manifests: build
	.build/debug/kratix manifests crds --output manifests/crds

clean:
	rm -rf .build
