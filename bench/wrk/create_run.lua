-- POST runs/create, shaped like mlflow.start_run() without a run name (server generates the name).
-- args: path experiment_id base_ts_ms
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local path, exp_id, ts, n
function init(args)
  path, exp_id, ts = args[1], args[2], tonumber(args[3])
  json_headers()
  n = 0
end

function request()
  n = n + 1
  local body = '{"experiment_id":"' .. exp_id .. '","user_id":"bench","start_time":' .. (ts + n) ..
    ',"tags":[{"key":"mlflow.user","value":"bench"},{"key":"mlflow.source.name","value":"bench/ingest.py"},' ..
    '{"key":"mlflow.source.type","value":"LOCAL"},{"key":"bench.seq","value":"' .. tid .. '-' .. n .. '"}]}'
  return wrk.format(nil, path, nil, body)
end
