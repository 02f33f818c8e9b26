-- wrk script for bench/serve.sh: every request GETs a different appeal point, cycling through
-- a file of "lon,lat,category" lines (category already percent-encoded).
--   wrk -t2 -c64 -d15s --latency -s bench/serve_points.lua http://127.0.0.1:18080 -- POINTS TEMPLATE
-- TEMPLATE has {lon}, {lat} and {category}, e.g. "/route?lon={lon}&lat={lat}&category={category}".
-- Thread k starts at offset (k-1)*4999, so threads do not request the same URLs in lockstep.
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function init(args)
  local template = args[2] or "/route?lon={lon}&lat={lat}&category={category}"
  paths = {}
  for line in io.lines(args[1]) do
    local lon, lat, category = line:match("^([^,]+),([^,]+),([^,]*)$")
    if lon then
      paths[#paths + 1] = template:gsub("{lon}", lon):gsub("{lat}", lat):gsub("{category}", function() return category end)
    end
  end
  n = #paths
  if n == 0 then error("no points in " .. args[1]) end
  -- Each request's bytes are made once here: wrk shares the two cores with the server, and
  -- formatting a request per call would cost the load generator more CPU than the answer.
  requests = {}
  for k = 1, n do requests[k] = wrk.format("GET", paths[k]) end
  i = ((tid - 1) * 4999) % n
end

function request()
  i = i + 1
  if i > n then i = 1 end
  return requests[i]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("SUMMARY rps=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.1f requests=%d non2xx=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
