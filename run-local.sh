#!/usr/bin/env bash
# Runs the whole suite locally (README, "Run the whole suite locally"): builds what is needed, starts the sandbox
# (DynamoDB Local, ElasticMQ, AWS Marketplace simulator) and the three services as separate processes wired to it,
# prints the URLs, and stops everything on Ctrl-C. Logs go to target/local-run/.
set -euo pipefail
cd "$(dirname "$0")"

LOGS=target/local-run
mkdir -p "$LOGS"
SKIP_BUILD=${SKIP_BUILD:-false}

if [ "$SKIP_BUILD" != "true" ]; then
  echo "Building (./mvnw package -DskipTests)..."
  ./mvnw -B -q package -DskipTests
fi

pids=()
stop_all() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    echo
    echo "Stopping..."
    kill "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 1 100); do
      alive=0
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [ $alive -eq 0 ] && break
      sleep 0.1
    done
    kill -9 "${pids[@]}" 2>/dev/null || true
  fi
}
trap 'stop_all; exit 130' INT TERM
trap stop_all EXIT

wait_for() { # url name pid
  for _ in $(seq 1 600); do
    if curl -fs -o /dev/null "$1"; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then echo "$2 exited; see $LOGS/$2.log" >&2; exit 1; fi
    sleep 0.1
  done
  echo "$2 did not become ready; see $LOGS/$2.log" >&2
  exit 1
}

java -jar sandbox/target/marketplace-sandbox.jar --fulfillment-url http://localhost:8080/ >"$LOGS/sandbox.log" 2>&1 &
pids+=($!)
wait_for http://127.0.0.1:8100/sandbox/products sandbox "${pids[-1]}"

for service in onboarding-service:8080 entitlement-service:8081 metering-service:8082; do
  name=${service%%:*}
  port=${service##*:}
  java -Dquarkus.profile=dev -jar "$name/target/quarkus-app/quarkus-run.jar" >"$LOGS/$name.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$port/q/health/ready" "$name" "${pids[-1]}"
done

cat <<INFO

The suite is running (logs in $LOGS/):
  onboarding-service   http://localhost:8080/      (the fulfillment URL)
  entitlement-service  http://localhost:8081/
  metering-service     http://localhost:8082/
  sandbox              DynamoDB http://localhost:8000, SQS http://localhost:9324,
                       AWS Marketplace simulator http://localhost:8100/sandbox/
Ctrl-C stops everything.
INFO

wait -n "${pids[@]}" || true
echo "A process exited; see $LOGS/." >&2
