-- POST runs/log-batch with 1000 metrics per request: keys m0..m9 x 100 steps.
-- Request b for a run carries steps b*100 .. b*100+99 (timestamp = base + step), so the
-- step counter keeps increasing per run and nothing is de-duplicated.
-- args: path run_ids_csv nthreads base_ts_ms
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local KEYS, STEPS = 10, 100
local path, runs, ts, n
local key_prefix = {}
local parts = {}

function init(args)
  path = args[1]
  runs = my_runs(args[2], tonumber(args[3]))
  ts = tonumber(args[4])
  json_headers()
  n = 0
  for k = 0, KEYS - 1 do key_prefix[k] = '{"key":"m' .. k .. '","value":' end
end

function request()
  local run = runs[(n % #runs) + 1]
  local b = math.floor(n / #runs)           -- per-run batch counter
  n = n + 1
  local i = 0
  for s = 0, STEPS - 1 do
    local step = b * STEPS + s
    -- the tail is shared by the 10 keys of one step: format the numbers once per step
    local tail = ((step % 997) / 1000 + 0.25) .. ',"timestamp":' .. (ts + step) .. ',"step":' .. step .. '}'
    for k = 0, KEYS - 1 do
      i = i + 1
      parts[i] = key_prefix[k] .. tail
    end
  end
  local body = '{"run_id":"' .. run .. '","metrics":[' .. table.concat(parts, ",", 1, i) .. ']}'
  return wrk.format(nil, path, nil, body)
end
