#!/bin/sh
# Stand-in for syntasso/test-bundle-image's resource-configure-0.sh (see ../shared/fixtures/README.md).
set -eu
. "$(dirname "$0")/lib.sh"
name=$(field spec configMapName)
mkdir -p /kratix/output/dest1 /kratix/output/dest2
for n in 1 2; do
  cat > /kratix/output/dest$n/configmap.yaml <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: $name-$n
  namespace: testbundle-ns
data:
  timestamp: "$(date +%s%N)"
YAML
done
cat > /kratix/metadata/destination-selectors.yaml <<YAML
- directory: dest1
  matchLabels:
    target: worker-1
- directory: dest2
  matchLabels:
    target: worker-2
YAML
echo "stage: one" > /kratix/metadata/status.yaml
