-- POST runs/log-metric, shaped like mlflow.log_metric(); one point per request.
-- Each request gets a new step and timestamp, so no point is a duplicate.
-- args: path run_ids_csv nthreads base_ts_ms
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local path, runs, ts, n
function init(args)
  path = args[1]
  runs = my_runs(args[2], tonumber(args[3]))
  ts = tonumber(args[4])
  json_headers()
  n = 0
end

function request()
  local run = runs[(n % #runs) + 1]
  local step = math.floor(n / #runs)        -- per-run step counter: 0,1,2,...
  n = n + 1
  local body = '{"run_uuid":"' .. run .. '","key":"loss","value":' .. ((step % 1000) / 1000 + 0.5) ..
    ',"timestamp":' .. (ts + step) .. ',"step":' .. step .. ',"run_id":"' .. run .. '"}'
  return wrk.format(nil, path, nil, body)
end
