#!/usr/bin/env bash
# The suite's test command (README, "Run the tests"): installs the tools the tests drive, picks the JDK (scripts/jdk.sh:
# 25 or later when present, else 17+), then builds and tests every module with the Maven Wrapper. Extra arguments go to
# the first Maven run (e.g. ./test.sh -pl metering-service -am).
set -euo pipefail
cd "$(dirname "$0")"
echo "test.sh: builds and tests every module (about 20 minutes on 2 cores); first, the tools the tests drive:"
scripts/install-test-tools.sh
source scripts/jdk.sh
./mvnw -B verify "$@"
# The native build: no GraalVM here, so Quarkus runs its native build steps only (sources-only), and deploy's
# NativeImageReflectionTest checks what they registered for reflection.
./mvnw -B package -Dnative -Dquarkus.native.sources-only=true \
  -pl onboarding-service,entitlement-service,metering-service,operator-console,deploy -am \
  -Dtest='NativeImage*Test' -Dsurefire.failIfNoSpecifiedTests=false
