#!/usr/bin/env bash
# MEF enrolment throughput, one run: TLS-PSK handshake + /simpleenroll (P-256) with the CA key in software and in a
# SoftHSM2 token, then MEF handshakes with /cacerts and with the enrolment exchange.
# Usage: bench/enrol.sh [devices=1000] [threads=8]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
devices=${1:-1000}; threads=${2:-8}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tokens"
export SOFTHSM2_CONF="$work/softhsm2.conf"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$work/tokens" > "$SOFTHSM2_CONF"
pin="bench-$RANDOM$RANDOM"
softhsm2-util --init-token --free --label bench-ca --pin "$pin" --so-pin "$pin-so" >/dev/null
# the reactor builds what the bench needs (no install); the last module written is the bench's classpath
(cd "$here" && mvn -q -B -pl bench -am package -DskipTests -Dspotless.check.skip=true \
   dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null)
java -cp "$here/bench/target/classes:$(cat "$work/cp.txt")" io.citadel.bench.EnrolLoad "$devices" "$threads" "$work" \
  /usr/lib/softhsm/libsofthsm2.so "$pin"
