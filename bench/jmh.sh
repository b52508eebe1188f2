#!/usr/bin/env bash
# JMH hot-path benchmarks (access decision, codecs). Usage: bench/jmh.sh [JMH options, e.g. AccessDecision]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -q -B -DskipTests -pl bench -am install
mvn -q -B -pl bench dependency:build-classpath -Dmdep.outputFile=target/cp.txt
exec java -cp "bench/target/classes:$(cat bench/target/cp.txt)" org.openjdk.jmh.Main "$@"
