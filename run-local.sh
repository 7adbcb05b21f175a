#!/usr/bin/env bash
# Runs the whole suite locally (README, "Run the whole suite locally"): picks the JDK (scripts/jdk.sh), builds what is
# needed, trains the services' ahead-of-time caches when the JDK has them (25+) and they are missing or older than the
# build (about a minute, once per build), then starts the sandbox (DynamoDB Local, ElasticMQ, the AWS Marketplace
# simulator and its web UI), the three services and the operator console as separate processes wired to it, prints
# the URLs, and stops everything on Ctrl-C. Service logs go to target/local-run/.
# Options go to io.mpsaas.sandbox.LocalSuite (--random-ports, --set key=value, --help).
# SKIP_BUILD=true skips the build; MPSAAS_AOT=off skips the training (the services then start without caches).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/jdk.sh

if [ "${SKIP_BUILD:-false}" != "true" ]; then
  echo "Building (./mvnw package -DskipTests)..."
  ./mvnw -B -q package -DskipTests
fi

if [ "${MPSAAS_AOT:-on}" != "off" ]; then
  mkdir -p target
  echo "Checking the services' ahead-of-time caches (a new build trains them: about a minute; log target/aot-training.log)..."
  if java -cp sandbox/target/marketplace-sandbox.jar io.mpsaas.sandbox.AotTraining --if-stale \
      > target/aot-training.log 2>&1; then
    sed -n 's/.*\[io\.mpsaas\.sandbox\.AotTraining\] ([^)]*) //p' target/aot-training.log | grep -v '^Training round' || true
  else
    echo "The training failed (see target/aot-training.log); the services start without caches."
  fi
fi

# exec: Ctrl-C reaches the JVM directly; its shutdown hook stops every service it started
exec java -cp sandbox/target/marketplace-sandbox.jar io.mpsaas.sandbox.LocalSuite "$@"
