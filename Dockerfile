# syntax=docker/dockerfile:1
#
# One image for both roles:
#   * the controller:        /usr/local/bin/kratix manager ...
#   * the pipeline adapter:  /bin/pipeline-adapter reader|work-creator|update-status
#     (a symlink to the same binary, which picks its role from argv[0]);
#     PIPELINE_ADAPTER_IMG points workflow Jobs at this image.
#
# Build:  docker build -t ghcr.io/kratix-swift/kratix:0.1.0 .

# ---------------------------------------------------------------------------
# Stage 1: compile.
# The toolchain this repository is built and tested with (Swift 6.3.1), on the Debian release of the
# runtime stage below, so the binary finds the same glibc. `make image-check` runs this stage's build
# command on this machine.
FROM swift:6.3.1-bookworm AS build
WORKDIR /src

# Fetch dependencies first so this layer is reused while only Sources change.
# (Package.resolved is not committed: versions come from Package.swift's ranges.)
COPY Package.swift ./
RUN swift package resolve

COPY Sources ./Sources
# --static-swift-stdlib links the Swift runtime and Foundation into the binary,
# so the runtime image needs no Swift toolchain.
RUN swift build -c release --static-swift-stdlib --product kratix \
 && mkdir -p /out \
 && cp "$(swift build -c release --static-swift-stdlib --show-bin-path)/kratix" /out/kratix \
 && strip /out/kratix

# ---------------------------------------------------------------------------
# Stage 2: runtime.
# debian:bookworm-slim is Debian's minbase, which `debootstrap --variant=minbase bookworm` produces:
# `make image-check` builds this stage's root filesystem that way, runs the RUN instructions below in
# it as written, copies the binary in as the COPY below does, and runs the controller, the pipeline
# adapter and git inside it (scripts/image-check). Keep this stage to RUN, COPY --from=build, USER,
# WORKDIR, ENV and ENTRYPOINT, which that check reproduces.
FROM debian:bookworm-slim

# git + openssh-client: Git state stores are cloned and pushed with the git CLI
#                       (https and ssh remotes).
# ca-certificates:      TLS to Git hosts and buckets (the system trust store).
# libcurl4:             the statically linked Foundation still loads the system libcurl for
#                       FoundationNetworking (PromiseRelease fetches use URLSession).
# Nothing else: the binary otherwise needs only glibc, libstdc++ and zlib, which the base has;
# `make image-check` fails if a library it needs is missing here.
RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update \
 && apt-get install -y --no-install-recommends \
      git \
      openssh-client \
      ca-certificates \
      libcurl4 \
 && rm -rf /var/lib/apt/lists/*

# Non-root user; UID/GID 65532 match runAsUser in manifests/manager/deployment.yaml.
RUN groupadd --gid 65532 kratix \
 && useradd --uid 65532 --gid 65532 --home-dir /tmp --no-create-home \
      --shell /usr/sbin/nologin kratix

COPY --from=build /out/kratix /usr/local/bin/kratix
# Workflow Jobs run `/bin/pipeline-adapter <step>`; the binary dispatches on argv[0].
RUN ln -s /usr/local/bin/kratix /bin/pipeline-adapter

USER 65532:65532
# Scratch space (Git clones); the Deployment mounts an emptyDir here.
WORKDIR /tmp
ENV HOME=/tmp
ENTRYPOINT ["/usr/local/bin/kratix"]
