#!/usr/bin/env bash
# TLS-PSK vs plain HTTP, same Java client, same run: keep-alive RETRIEVE rates and full PSK handshakes/s.
# Usage: bench/tls.sh [seconds=10] [connections=32]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs=${1:-10}; conns=${2:-32}
port=18281; pskport=18282; tlsport=18283
work=$(mktemp -d); trap 'kill $cse_pid 2>/dev/null || true; rm -rf "$work"' EXIT
"$here/citadel" --help >/dev/null 2>&1 || true   # builds on first use
jar="$here/citadel-server/target/citadel.jar"
key=$(java -jar "$jar" credentials psk add --identity bench@psk.example --allow Cbench --data-dir "$work/data" 2>/dev/null \
      | sed -n 's/^psk (hex, shown only now): //p')
java -jar "$jar" pki ca --dir "$work/pki" --sp citadel.example >/dev/null
java -jar "$jar" pki server --dir "$work/pki" --dns cse.citadel.example --ip 127.0.0.1 --out "$work/pki/server" >/dev/null
java -jar "$jar" pki ae --dir "$work/pki" --sp citadel.example --cse-id /id-in --ae-id Cbench --out "$work/pki/Cbench" >/dev/null
java -Xmx1g -jar "$jar" serve --http-port $port --psk-port $pskport --tls-port $tlsport --data-dir "$work/data" \
  --tls-cert "$work/pki/server.pem" --tls-key "$work/pki/server.key" --tls-trust "$work/pki/ca.pem" \
  --admin-originator CAdminBench > "$work/cse.log" 2>&1 & cse_pid=$!
for _ in $(seq 1 120); do grep -q "^Citadel ready" "$work/cse.log" && break; sleep 0.5; done
. "$here/bench/seed.sh"
seed_container $port
mvn -q -B -o -pl bench dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
java -cp "$here/bench/target/classes:$(cat "$work/cp.txt")" io.citadel.bench.TlsLoad $port $pskport \
  bench@psk.example "$key" /cse-in/bench/data/la Cbench "$secs" "$conns" \
  $tlsport "$work/pki/ca.pem" "$work/pki/Cbench.pem" "$work/pki/Cbench.key"
