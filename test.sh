#!/usr/bin/env bash
# The suite's test command (README, "Run the tests"): installs the tools the tests drive, then builds and tests
# every module with the Maven Wrapper. Extra arguments go to Maven (e.g. ./test.sh -pl metering-service -am).
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-test-tools.sh
./mvnw -B verify "$@"
