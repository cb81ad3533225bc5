#!/usr/bin/env bash
# Builds the real control-plane components from Go modules into a cache directory
# outside the checkout, keyed by the pinned versions, and prints that directory on
# its last line of stdout. A second run with the same inputs builds nothing.
#
#   KUBECTL_PROD_CLUSTER_CACHE  cache root (default: $XDG_CACHE_HOME or ~/.cache, then kubectl-prod/cluster)
#
# Progress goes to stderr. Exit 2 when Go is missing, 1 when the build fails.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"

if ! command -v go >/dev/null 2>&1; then
  echo "test cluster: Go is not installed; install Go 1.26 or newer (it builds kube-apiserver, kube-scheduler, kube-controller-manager, etcd and kwok)" >&2
  exit 2
fi

export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false"
goversion=$(go env GOVERSION)
key=$( { cat "$here/versions.env" "$here/go/go.mod" "$here/go/go.sum" "$here/build.sh"; echo "$goversion $(go env GOOS) $(go env GOARCH)"; } | sha256sum | cut -c1-16)
root=${KUBECTL_PROD_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-prod/cluster}
out="$root/${K8S_VERSION}-${key}"
bins=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok)

complete() {
  [ -f "$out/.complete" ] || return 1
  for b in "${bins[@]}"; do [ -x "$out/$b" ] || return 1; done
}
if complete; then echo "$out"; exit 0; fi

mkdir -p "$out"
start=$(date +%s)
log="$out/build.log"
: >"$log"
say() { echo "test cluster: $*" >&2; }

# Shows progress for a long first build: a line every 30 s with what Go is compiling.
progress() {
  while sleep 30; do
    n=$(grep -c '' "$log" 2>/dev/null || true)
    say "still building ($(( $(date +%s) - start ))s, $n packages so far; log in $log)"
  done
}
progress & ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT

say "building Kubernetes $K8S_VERSION, etcd $ETCD_VERSION and kwok $KWOK_VERSION into $out (a first build takes 20 to 40 minutes on 2 cores; later runs reuse it)"
minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
vflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  vflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
tmp="$out/.tmp"; rm -rf "$tmp"; mkdir -p "$tmp"
(
  cd "$here/go"
  go build -v -trimpath -ldflags "-s -w $vflags" -o "$tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
  go build -v -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3
) >>"$log" 2>&1 || { say "build failed; last lines of $log:"; tail -n 20 "$log" >&2; exit 1; }
# kwok has its own go.mod; building it apart keeps its dependencies from moving Kubernetes'.
( cd "$tmp" && GOFLAGS=-buildvcs=false GOBIN="$tmp" go install -v -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" ) >>"$log" 2>&1 \
  || { say "kwok build failed; last lines of $log:"; tail -n 20 "$log" >&2; exit 1; }
for b in "${bins[@]}"; do mv -f "$tmp/$b" "$out/$b"; done
rm -rf "$tmp"
date -u +%FT%TZ >"$out/.complete"
say "built in $(( $(date +%s) - start ))s"
echo "$out"
