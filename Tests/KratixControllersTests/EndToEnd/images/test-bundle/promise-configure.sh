#!/bin/sh
# Stand-in for syntasso/test-bundle-image's promise-configure.sh (see ../shared/fixtures/README.md).
set -eu
cat > /kratix/output/namespace.yaml <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: testbundle-ns
YAML
cat > /kratix/output/configmap.yaml <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: testbundle-cm
  namespace: testbundle-ns
data:
  timestamp: "$(date +%s%N)"
  promiseEnv: "${VALUE:-undefined}"
YAML
