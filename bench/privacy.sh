#!/usr/bin/env bash
# What privacy costs on the embedded store: N instances of one data subject written and read with bodies in clear and
# encrypted under the subject's keys, then its export and erasure. Usage: bench/privacy.sh [N] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
THREADS=${2:-8}
mvn -B -q -o verify -DskipTests -pl bench -am
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp=$(mvn -B -q -o -pl bench dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
java -cp "bench/target/classes:$cp" io.citadel.bench.PrivacyLoad "$N" "$THREADS" "$work"
