#!/usr/bin/env bash
# Runs the whole suite locally (README, "Run the whole suite locally"): picks the JDK (scripts/jdk.sh), builds what is
# needed, trains the services' ahead-of-time caches when the JDK has them (25+) and they are missing or older than the
# build (about a minute, once per build), then starts the sandbox (DynamoDB Local, ElasticMQ, the AWS Marketplace
# simulator and its web UI), the three services and the operator console as separate processes wired to it, prints
# the URLs, and stops everything on Ctrl-C. Service logs go to target/local-run/.
# Options go to io.mpsaas.sandbox.LocalSuite (--random-ports, --bind, --set key=value, --log-dir); --help is answered
# here, before any build. SKIP_BUILD=true skips the build; MPSAAS_AOT=off skips the training (the services then start
# without caches).
set -euo pipefail
cd "$(dirname "$0")"

usage() {
  cat <<'USAGE'
Usage: ./run-local.sh [options]
Builds the suite, then runs the sandbox (DynamoDB Local, ElasticMQ, the AWS Marketplace simulator), the three
services and the operator console on this machine until Ctrl-C.

Options:
  --random-ports        free ports instead of the defaults (8000, 9324, 8100; 8080-8083; 9080-9083): use it to run
                        a second suite beside one that is running
  --bind <address>      listen on this address instead of 127.0.0.1 (0.0.0.0: every interface); anyone who can
                        reach it can use the well-known dev keys, so only on a network you trust
  --set <key>=<value>   extra configuration for every service (repeatable)
  --log-dir <dir>       where each service logs (default target/local-run)
  --help                this text

Environment:
  SKIP_BUILD=true       do not build first (./mvnw package -DskipTests)
  MPSAAS_AOT=off        do not train the services' ahead-of-time caches (JDK 25+)
USAGE
}
for arg in "$@"; do
  case "$arg" in
    --help|-h) usage; exit 0 ;;
  esac
done
source scripts/jdk.sh

if [ "${SKIP_BUILD:-false}" != "true" ]; then
  echo "Building (./mvnw package -DskipTests; about 3 minutes the first time; all of Maven's output in target/build.log)..."
  mkdir -p target
  # one line per module as Maven reaches it; on a failure, Maven's errors
  if ! ./mvnw -B package -DskipTests 2>&1 | tee target/build.log \
      | sed -un 's/^\[INFO\] Building \([^:]*\)\(:.*\)\{0,1\} [0-9][^ ]* *\[\([0-9]*\/[0-9]*\)\]$/  [\3] \1/p'; then
    grep '^\[ERROR\]' target/build.log | head -30 || true
    echo "The build failed; Maven's whole output is in target/build.log."
    exit 1
  fi
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

# DynamoDB Local loads SQLite as a native library and ElasticMQ's actor system uses sun.misc.Unsafe: allowed here, so
# that newer JDKs do not print their warnings about them on the terminal (the option exists from JDK 23)
launcher_options=(--enable-native-access=ALL-UNNAMED)
if [ "$(mpsaas_jdk_feature "$JAVA_HOME")" -ge 23 ]; then
  launcher_options+=(--sun-misc-unsafe-memory-access=allow)
fi
# exec: Ctrl-C reaches the JVM directly; its shutdown hook stops every service it started
exec java "${launcher_options[@]}" -cp sandbox/target/marketplace-sandbox.jar io.mpsaas.sandbox.LocalSuite "$@"
