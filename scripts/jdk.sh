# Sourced by test.sh and run-local.sh (and so by .ci/run): picks the JDK that builds, tests and runs the suite, exports
# JAVA_HOME and PATH for it, and says which one it is. JDK 17 is the minimum; JDK 25 or later is preferred, because only
# it writes and reads the services' ahead-of-time caches (README, "Requirements"). In order:
#   1. MPSAAS_JAVA_HOME, if set (to force one, e.g. MPSAAS_JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64);
#   2. JAVA_HOME, if it is a JDK 25 or later;
#   3. the newest JDK 25+ under /usr/lib/jvm (Debian's and Temurin's packages install there);
#   4. JAVA_HOME, or the `java` on the PATH, if it is a JDK 17 or later.

mpsaas_jdk_feature() {
  # the feature release of the JDK in $1 (17, 25, ...), from its release file; empty if it is no JDK
  local release="$1/release" version
  [ -f "$release" ] && [ -x "$1/bin/javac" ] || return 0
  version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
  echo "$version"
}

mpsaas_pick_jdk() {
  local candidate feature best="" best_feature=0
  if [ -n "${MPSAAS_JAVA_HOME:-}" ]; then
    feature=$(mpsaas_jdk_feature "$MPSAAS_JAVA_HOME")
    if [ -z "$feature" ] || [ "$feature" -lt 17 ]; then
      echo "MPSAAS_JAVA_HOME=$MPSAAS_JAVA_HOME is not a JDK 17 or later" >&2
      return 1
    fi
    echo "$MPSAAS_JAVA_HOME"
    return 0
  fi
  if [ -n "${JAVA_HOME:-}" ]; then
    feature=$(mpsaas_jdk_feature "$JAVA_HOME")
    if [ -n "$feature" ] && [ "$feature" -ge 25 ]; then
      echo "$JAVA_HOME"
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -d "$candidate" ] && [ ! -L "$candidate" ] || continue
    feature=$(mpsaas_jdk_feature "$candidate")
    if [ -n "$feature" ] && [ "$feature" -ge 25 ] && [ "$feature" -gt "$best_feature" ]; then
      best="$candidate"
      best_feature=$feature
    fi
  done
  if [ -n "$best" ]; then
    echo "$best"
    return 0
  fi
  for candidate in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v javac || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] || continue
    feature=$(mpsaas_jdk_feature "$candidate")
    if [ -n "$feature" ] && [ "$feature" -ge 17 ]; then
      echo "$candidate"
      return 0
    fi
  done
  echo "No JDK 17 or later found: install one (JDK 25 recommended) or set MPSAAS_JAVA_HOME" >&2
  return 1
}

JAVA_HOME=$(mpsaas_pick_jdk) || exit 1
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
echo "Using JDK $(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release") ($JAVA_HOME)$( \
  [ "$(mpsaas_jdk_feature "$JAVA_HOME")" -ge 25 ] && echo ": ahead-of-time caches on" \
  || echo ": JDK 25 or later would add ahead-of-time caches (faster start, less memory)")"
