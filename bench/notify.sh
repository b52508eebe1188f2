#!/usr/bin/env bash
# Notification throughput: CREATE rate with and without a subscription, and notifications/s delivered to
# a local HTTP receiver, in one run against one CSE process.
# Usage: bench/notify.sh [seconds=10] [threads=32]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs=${1:-10}; threads=${2:-32}
port=18291
work=$(mktemp -d); trap 'kill $cse_pid 2>/dev/null || true; rm -rf "$work"' EXIT
"$here/citadel" --help >/dev/null 2>&1 || true   # builds on first use
jar="$here/citadel-server/target/citadel.jar"
java -Xmx1g -jar "$jar" serve --http-port $port --data-dir "$work/data" --admin-originator CAdminBench \
  --audit off > "$work/cse.log" 2>&1 & cse_pid=$!
for _ in $(seq 1 120); do grep -q "^Citadel ready" "$work/cse.log" && break; sleep 0.5; done
mvn -q -B -o -pl bench dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
java -cp "$here/bench/target/classes:$(cat "$work/cp.txt")" io.citadel.bench.NotifyLoad $port "$secs" "$threads"
