-- GET the same path as many visitors (a different X-Forwarded-For each request, behind the trusted proxy hop).
-- The summary is one JSON line, read by bench/load.py.
local threads = {}
local id, counter = 0, 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  id = tonumber(wrk.thread:get("id")) or 0
end

function request()
  counter = counter + 1
  local ip = string.format("10.%d.%d.%d", id % 250, math.floor(counter / 250) % 250, counter % 250 + 1)
  return wrk.format("GET", nil, {["X-Forwarded-For"] = ip})
end

function done(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %.3f, "non2xx": %d, "errors": %d, "p50": %.2f, "p99": %.2f}\n',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
