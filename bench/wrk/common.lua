-- Shared helpers for the Stride ingest benchmark wrk scripts (loaded with dofile()).
-- wrk calls setup(thread) in the main Lua state, then init(args) in each thread's own state.
-- setup() numbers the threads so init() can take a disjoint share of the run ids.

local thread_counter = 0
function setup(thread)
  thread:set("tid", thread_counter)
  thread_counter = thread_counter + 1
end

function split_csv(s)
  local out = {}
  for item in string.gmatch(s or "", "[^,]+") do out[#out + 1] = item end
  return out
end

-- runs whose 0-based index i satisfies i % nthreads == tid; every run goes to exactly one thread,
-- so (run, key, timestamp, step) tuples are unique across threads.
function my_runs(csv, nthreads)
  local all, mine = split_csv(csv), {}
  for i, id in ipairs(all) do
    if (i - 1) % nthreads == tid then mine[#mine + 1] = id end
  end
  if #mine == 0 then
    error(string.format("thread %d got no run ids (runs=%d threads=%d)", tid, #all, nthreads))
  end
  return mine
end

function json_headers()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

-- One machine-readable line for ingest.py, next to wrk's normal --latency report.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"duration_us":%d,"requests":%d,"bytes":%d,"errors_connect":%d,"errors_read":%d,' ..
    '"errors_write":%d,"errors_status":%d,"errors_timeout":%d,"lat_mean_us":%.1f,"lat_p50_us":%d,' ..
    '"lat_p90_us":%d,"lat_p99_us":%d,"lat_max_us":%d}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
