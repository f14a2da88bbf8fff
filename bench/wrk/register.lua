-- Registration as visitors do it: GET the form (session cookie + CSRF token), then POST it. Run with as many
-- connections as threads (-t N -c N): each thread's GET/POST pairs then follow each other on one connection.
-- Every visitor has its own address (X-Forwarded-For) and e-mail. The summary is one JSON line.
local threads = {}
local id, counter, token, cookie, ip = 0, 0, nil, nil, nil
posted, ok, failed = false, 0, 0  -- globals: done() reads ok and failed with thread:get

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  id = tonumber(wrk.thread:get("id")) or 0
end

function request()
  if token == nil then
    counter = counter + 1
    ip = string.format("10.%d.%d.%d", 100 + id % 150, math.floor(counter / 250) % 250, counter % 250 + 1)
    posted = false
    return wrk.format("GET", nil, {["X-Forwarded-For"] = ip})
  end
  local who = string.format("%dx%d", id, counter)
  local body = "csrf_token=" .. token .. "&nama_lengkap=Peserta+Beban+" .. who ..
    "&jenis_kelamin=" .. (counter % 2 == 0 and "L" or "P") .. "&phone=0812" .. string.format("%08d", id * 100000 + counter) ..
    "&email=beban" .. who .. "%40example.id&jabatan=Pustakawan&instansi=Perpustakaan+Desa&kabupaten=Bangka" ..
    "&provinsi=Kepulauan+Bangka+Belitung&consent=y"
  token, posted = nil, true
  return wrk.format("POST", nil, {["X-Forwarded-For"] = ip, ["Cookie"] = cookie,
                                  ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

function response(status, headers, body)
  if posted then
    local location = headers["Location"] or headers["location"] or ""
    if status == 302 and string.find(location, "/daftar/selesai", 1, true) then ok = ok + 1 else failed = failed + 1 end
    posted = false
    return
  end
  token = string.match(body, 'name="csrf_token" type="hidden" value="([^"]+)"') or
          string.match(body, 'name="csrf_token" value="([^"]+)"')
  local set = headers["Set-Cookie"] or headers["set-cookie"] or ""
  cookie = string.match(set, "^([^;]+)")
  if token == nil or cookie == nil then failed, token = failed + 1, nil end
end

function done(summary, latency, requests)
  local oks, fails = 0, 0
  for _, thread in ipairs(threads) do
    oks = oks + (tonumber(thread:get("ok")) or 0)
    fails = fails + (tonumber(thread:get("failed")) or 0)
  end
  io.write(string.format('{"requests": %d, "seconds": %.3f, "non2xx": %d, "errors": %d, "p50": %.2f, "p99": %.2f, ' ..
    '"registered": %d, "failed": %d}\n', summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, oks, fails))
end
