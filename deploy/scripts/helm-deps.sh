#!/usr/bin/env bash
# Vendors the charts' dependencies: the library chart into each service chart, then the four charts into the
# umbrella. Helm does not recurse into file:// dependencies, so the order matters. Run it before installing from a
# checkout; the generated charts/ directories and Chart.lock files are not committed.
#
#   deploy/scripts/helm-deps.sh [<helm directory>]      # default: deploy/helm; HELM=<binary> to pick a helm
set -euo pipefail
helm="${HELM:-helm}"
dir="${1:-$(cd "$(dirname "$0")/../helm" && pwd)}"
for chart in onboarding-service entitlement-service metering-service operator-console mpsaas; do
  "$helm" dependency update --skip-refresh "$dir/$chart" >/dev/null
done
