#!/usr/bin/env bash
# What privacy costs on the embedded store: N instances of one data subject written and read with bodies in clear and
# encrypted under the subject's keys, then its export and erasure. Usage: bench/privacy.sh [N=100000] [THREADS=8]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n=${1:-100000}; threads=${2:-8}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# the reactor builds what the bench needs (no install); the last module written is the bench's classpath
(cd "$here" && mvn -q -B -pl bench -am package -DskipTests -Dspotless.check.skip=true \
   dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null)
java -cp "$here/bench/target/classes:$(cat "$work/cp.txt")" io.citadel.bench.PrivacyLoad "$n" "$threads" "$work"
