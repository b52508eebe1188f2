#!/usr/bin/env bash
# Loopback load run: Citadel vs nginx serving a static JSON file of the same size, same wrk settings.
# Usage: bench/load.sh [duration=20s] [connections=64]
# Needs: wrk, nginx, curl (Debian packages). Prints RESULT lines and ratios. Traffic stays on 127.0.0.1.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dur=${1:-20s}; conns=${2:-64}
port=18181; ngport=18182
work=$(mktemp -d); trap 'kill $cse_pid 2>/dev/null || true; nginx -s stop -c "$work/nginx.conf" 2>/dev/null || true; rm -rf "$work"' EXIT
"$here/citadel" --help >/dev/null 2>&1 || true   # builds on first use
java -Xmx1g -jar "$here/citadel-server/target/citadel.jar" serve --http-port $port --data-dir "$work/data" \
  --admin-originator CAdminBench > "$work/cse.log" 2>&1 & cse_pid=$!
for _ in $(seq 1 120); do grep -q "^Citadel ready" "$work/cse.log" && break; sleep 0.5; done
. "$here/bench/seed.sh"
seed_container $port
chmod 755 "$work"; mkdir -p "$work/www"; chmod 755 "$work/www"
curl -sf "http://127.0.0.1:$port/cse-in/bench/data/la" "${H[@]}" > "$work/www/la.json"; chmod 644 "$work/www/la.json"
cat > "$work/nginx.conf" <<NG
worker_processes 2; pid $work/nginx.pid; error_log $work/nginx-error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:$ngport; root $work/www; default_type application/json; } }
NG
nginx -c "$work/nginx.conf"
echo "payload bytes: $(wc -c < "$work/www/la.json")"
echo "== warm-up (Citadel RETRIEVE la, 5s)"; wrk -t2 -c$conns -d5s -s "$here/bench/retrieve.lua" "http://127.0.0.1:$port/cse-in/bench/data/la" | grep RESULT
echo "== nginx static file, $conns connections, $dur";  ng=$(wrk -t2 -c$conns -d$dur -s "$here/bench/retrieve.lua" "http://127.0.0.1:$ngport/la.json" | grep RESULT); echo "$ng"
echo "== Citadel RETRIEVE la, $conns connections, $dur"; la=$(wrk -t2 -c$conns -d$dur -s "$here/bench/retrieve.lua" "http://127.0.0.1:$port/cse-in/bench/data/la" | grep RESULT); echo "$la"
echo "== Citadel CREATE cin (durable), $conns connections, $dur"; cr=$(wrk -t2 -c$conns -d$dur -s "$here/bench/create-cin.lua" "http://127.0.0.1:$port/cse-in/bench/data" | grep RESULT); echo "$cr"
cni=$(curl -sf "http://127.0.0.1:$port/cse-in/bench/data%23cni" "${H[@]}")
echo "container after run: $cni"
rate() { sed -E 's/.*req\/s=([0-9]+).*/\1/' <<<"$1"; }
awk -v a="$(rate "$la")" -v b="$(rate "$ng")" 'BEGIN { printf "ratio RETRIEVE/nginx = %.2f\n", a / b }'
echo "RSS of the CSE (kB): $(ps -o rss= -p $cse_pid)"
