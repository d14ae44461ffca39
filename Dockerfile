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
# The tag must match the toolchain Package.swift asks for
# (`swift-tools-version: 6.1`). Keep the Ubuntu release equal to the runtime
# stage below so the binary finds the same glibc.
FROM swift:6.1-jammy AS build
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
FROM ubuntu:jammy

# git + openssh-client: Git state stores are cloned and pushed with the git CLI
#                       (https and ssh remotes).
# ca-certificates:      TLS to the API server, Git hosts and buckets.
# libcurl4:             a statically linked Foundation still loads the system
#                       libcurl for FoundationNetworking (URLSession). Drop it
#                       if the binary never imports FoundationNetworking.
# (libxml2 would only be needed for FoundationXML, which is not used.)
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
