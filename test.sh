#!/usr/bin/env bash
# The suite's test command (README "Run the tests"): installs what the tests need, then builds and tests every module.
set -euo pipefail
cd "$(dirname "$0")"
./mvnw -B verify "$@"
