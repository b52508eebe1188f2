#!/usr/bin/env bash
# Requests/s per binding and security mode (HTTP, HTTPS and WSS with AE-ID certificates, HTTPS with a PSK, WebSocket JSON/CBOR,
# CoAP, CoAP over DTLS with PSK and with certificates, MQTT via a private Mosquitto) against one CSE, same SDK,
# same run; each as a ratio to HTTP. Then DTLS handshakes/s, PSK and ECDHE-ECDSA. The PKI is made here.
# Usage: bench/bindings.sh [seconds=10] [threads=16]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs=${1:-10}; threads=${2:-16}
port=18381; coap=18382; coaps=18383; mqtt=18384; tls=18385; psk=18386
work=$(mktemp -d); trap 'kill $cse_pid $broker_pid 2>/dev/null || true; rm -rf "$work"' EXIT
"$here/citadel" --help >/dev/null 2>&1 || true   # builds on first use
jar="$here/citadel-server/target/citadel.jar"
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nuser %s\nmax_inflight_messages 0\nset_tcp_nodelay true\n' $mqtt "$(id -un)" > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 & broker_pid=$!
allow=$(seq -s, -f 'Cbl%g' 0 $((threads - 1)))
key=$(java -jar "$jar" credentials psk add --identity bench@psk.example --allow "$allow" --data-dir "$work/data" 2>/dev/null \
      | sed -n 's/^psk (hex, shown only now): //p')
java -jar "$jar" pki ca --dir "$work/pki" --sp citadel.example >/dev/null
java -jar "$jar" pki server --dir "$work/pki" --dns localhost --ip 127.0.0.1 --out "$work/pki/cse" >/dev/null
java -Xmx1g -jar "$jar" serve --http-port $port --coap-port $coap --coaps-port $coaps --mqtt-broker tcp://127.0.0.1:$mqtt \
  --psk-port $psk --tls-port $tls --tls-cert "$work/pki/cse.pem" --tls-key "$work/pki/cse.key" --tls-trust "$work/pki/ca.pem" \
  --data-dir "$work/data" --admin-originator CAdminBench --audit off > "$work/cse.log" 2>&1 & cse_pid=$!
for _ in $(seq 1 120); do grep -q "^Citadel ready" "$work/cse.log" && break; sleep 0.5; done
mvn -q -B -o -pl bench dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
java -Djava.util.logging.config.file=/dev/null -cp "$here/bench/target/classes:$(cat "$work/cp.txt")" io.citadel.bench.BindingLoad $port $coap $coaps \
  tcp://127.0.0.1:$mqtt bench@psk.example "$key" "$secs" "$threads" $tls "$work/pki" $psk
