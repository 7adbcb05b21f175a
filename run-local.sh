#!/usr/bin/env bash
# Runs the whole suite locally (README, "Run the whole suite locally"): builds what is needed, then starts the
# sandbox (DynamoDB Local, ElasticMQ, the AWS Marketplace simulator and its web UI) and the three services as separate
# processes wired to it, prints the URLs, and stops everything on Ctrl-C. Service logs go to target/local-run/.
# Options go to io.mpsaas.sandbox.LocalSuite (--random-ports, --set key=value, --help). SKIP_BUILD=true skips the build.
set -euo pipefail
cd "$(dirname "$0")"

if [ "${SKIP_BUILD:-false}" != "true" ]; then
  echo "Building (./mvnw package -DskipTests)..."
  ./mvnw -B -q package -DskipTests
fi

# exec: Ctrl-C reaches the JVM directly; its shutdown hook stops every service it started
exec java -cp sandbox/target/marketplace-sandbox.jar io.mpsaas.sandbox.LocalSuite "$@"
