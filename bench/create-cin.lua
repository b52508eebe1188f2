-- wrk script: CREATE contentInstances into one container (durable).
wrk.method = "POST"
wrk.headers["X-M2M-Origin"] = os.getenv("BENCH_ORIGIN") or "Cbench"
wrk.headers["X-M2M-RVI"] = "3"
wrk.headers["Content-Type"] = "application/json;ty=4"
local n = 0
request = function()
  n = n + 1
  wrk.headers["X-M2M-RI"] = "b" .. n
  return wrk.format(nil, nil, nil, '{"m2m:cin":{"con":"21.5"}}')
end
local non2xx = 0
response = function(status, headers, body)
  if status >= 300 then non2xx = non2xx + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT req/s=%.0f p50_ms=%.2f p99_ms=%.2f errors_status=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.requests))
end
