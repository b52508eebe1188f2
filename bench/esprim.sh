#!/usr/bin/env bash
# ESPrim RETRIEVE vs plain RETRIEVE through the same MN-CSE to an IN-CSE (two CSE processes, loopback, no relay),
# same AE, same SDK, one run. Usage: bench/esprim.sh [requests per client and round=2000] [clients=4] [rounds=2]
# Needs citadel-server/target/citadel.jar and bench/target/classes: mvn -B -o verify -DskipTests -pl bench -am
# The per-request costs (JMH): bench/jmh.sh EsprimBenchmark, or without installing anything:
#   java -cp "bench/target/classes:citadel-server/target/citadel.jar:<jmh-core, jopt-simple, commons-math3 jars>" \
#     org.openjdk.jmh.Main EsprimBenchmark
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n=${1:-2000}; clients=${2:-4}; rounds=${3:-2}
inport=18301; mnport=18302
kid=esprim-bench@citadel.example
jar="$here/citadel-server/target/citadel.jar"
[ -f "$jar" ] && [ -d "$here/bench/target/classes" ] \
  || { echo "build first: mvn -B -o verify -DskipTests -pl bench -am" >&2; exit 1; }
work=$(mktemp -d); in_pid=; mn_pid=
trap 'kill $mn_pid $in_pid 2>/dev/null || true; rm -rf "$work"' EXIT
key=$(java -jar "$jar" credentials esprim add --kid "$kid" --for /id-mn/Cae1 --data-dir "$work/in" 2>/dev/null \
      | sed -n 's/^.*pairwise ESPrim key (hex, shown only now): \([0-9a-f]*\).*$/\1/p')
[ -n "$key" ] || { echo "no pairwise key issued" >&2; exit 1; }
ready() { for _ in $(seq 1 120); do grep -q "^Citadel ready" "$1" && return 0; sleep 0.5; done; cat "$1" >&2; exit 1; }
java -Xmx512m -jar "$jar" serve --http-port $inport --data-dir "$work/in" --admin-originator CAdminBench \
  --insecure-cse-peers /id-mn > "$work/in.log" 2>&1 & in_pid=$!
ready "$work/in.log"
java -Xmx512m -jar "$jar" serve --http-port $mnport --data-dir "$work/mn" --admin-originator CAdminBench \
  --cse-id /id-mn --cse-name cse-mn --cse-type MN --registrar-cse-id /id-in \
  --registrar-poa "http://127.0.0.1:$inport/" --insecure-cse-peers /id-in > "$work/mn.log" 2>&1 & mn_pid=$!
ready "$work/mn.log"
ESPRIM_KEY="$key" java -cp "$here/bench/target/classes:$jar" io.citadel.bench.EsprimLoad \
  $inport $mnport "$kid" "$n" "$clients" "$rounds"
echo "RSS (kB): IN $(ps -o rss= -p $in_pid), MN $(ps -o rss= -p $mn_pid)"
