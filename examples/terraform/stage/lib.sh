# Shared by the stand-ins for syntasso/test-bundle-image: reads `<section>.<key>` (one level deep)
# from /kratix/input/object.yaml, unquoting the value.
field() {
  awk -v section="$1:" -v key="$2:" '
    /^[^ #]/ { inside = ($1 == section) ; next }
    inside && $1 == key { v = $2; gsub(/^["\x27]|["\x27]$/, "", v); print v; exit }
  ' /kratix/input/object.yaml
}

# kubectl with the pod's service account (in-cluster configuration); 1.31 where the machine has it.
kube() {
  if [ -x /usr/lib/google-cloud-sdk/bin/kubectl.1.31 ]; then /usr/lib/google-cloud-sdk/bin/kubectl.1.31 "$@"; else kubectl "$@"; fi
}
