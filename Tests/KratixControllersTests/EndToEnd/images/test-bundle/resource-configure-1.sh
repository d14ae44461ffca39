#!/bin/sh
# Stand-in for syntasso/test-bundle-image's resource-configure-1.sh (see ../shared/fixtures/README.md).
set -eu
. "$(dirname "$0")/lib.sh"
stage=$(field status stage)
if [ "$stage" != "one" ]; then
  echo "expected .status.stage to be one, got '$stage'" >&2
  exit 1
fi
namespace=$(field spec namespaceName)
cat > /kratix/output/namespace.yaml <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: $namespace
YAML
cat > /kratix/metadata/destination-selectors.yaml <<YAML
- matchLabels:
    target: worker-1
YAML
printf 'stage: two\ncompleted: true\n' > /kratix/metadata/status.yaml
