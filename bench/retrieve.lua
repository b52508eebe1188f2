-- wrk script: RETRIEVE (GET) with oneM2M headers; prints one RESULT line.
wrk.headers["X-M2M-Origin"] = os.getenv("BENCH_ORIGIN") or "Cbench"
wrk.headers["X-M2M-RVI"] = "3"
wrk.headers["X-M2M-RI"] = "bench"
done = function(summary, latency, requests)
  io.write(string.format("RESULT req/s=%.0f p50_ms=%.2f p99_ms=%.2f errors_status=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.requests))
end
