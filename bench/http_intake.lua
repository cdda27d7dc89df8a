-- wrk script: POST /api/v1/reports as JSON, each report at a different place inside a kelurahan.
--   wrk -t2 -c16 -d30s -s bench/http_intake.lua http://127.0.0.1:8000 -- POINTS_FILE
-- POINTS_FILE: one "lat lon" per line (bench/http.py writes it from the database's kelurahan).
-- Prints, at the end, one JSON line: "WRK_JSON {...}" with requests, rate, latency percentiles and statuses.

local points = {}
local categories = {"saluran-tersumbat", "jalan-rusak", "sampah", "lampu-jalan", "banjir-genangan", "trotoar-rusak"}
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function init(args)
  local path = args[1]
  for line in io.lines(path) do
    local lat, lon = line:match("([%-%d%.]+)%s+([%-%d%.]+)")
    if lat then table.insert(points, {lat, lon}) end
  end
  statuses = {}
  math.randomseed(tid or 1)
end

request = function()
  counter = counter + 1
  local p = points[math.random(#points)]
  local body = string.format(
    '{"category": "%s", "description": "Laporan uji beban nomor %d-%d: got mampet, air meluap ke jalan saat hujan.", ' ..
    '"lat": %s, "lon": %s, "privacy": "private", "reporter": {"name": "Siti Rahmawati", "phone": "0812%08d"}}',
    categories[math.random(#categories)], tid or 0, counter, p[1], p[2], math.random(0, 99999999))
  return wrk.format("POST", "/api/v1/reports", {["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local merged = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for code, n in pairs(s) do merged[code] = (merged[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(merged) do table.insert(parts, string.format('"%d": %d', code, n)) end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "rate": %.1f, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, ' ..
    '"max_ms": %.2f, "errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, table.concat(parts, ", ")))
end
