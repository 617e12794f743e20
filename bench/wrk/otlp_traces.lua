-- POST /v1/traces, one OTLP protobuf export per request, as mlflow's 3.4+ client sends a finished trace.
-- The body is a template written by bench/traces.py; every request gets a new trace id, patched into the
-- spans' `trace_id` bytes and into their `mlflow.traceRequestId` attribute (`tr-<hex>`).
-- args: path template_file experiment_id raw_placeholder cell (0-99: keeps ids unique across wrk runs)
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local path, template, raw_placeholder, hex_placeholder, cell, n

local function hex(bytes)
  return (bytes:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

function init(args)
  path = args[1]
  local file = assert(io.open(args[2], "rb"))
  template = file:read("*a")
  file:close()
  raw_placeholder = args[4]            -- 16 ASCII letters: no Lua pattern characters
  hex_placeholder = hex(raw_placeholder)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-protobuf"
  wrk.headers["x-mlflow-experiment-id"] = args[3]
  cell = tonumber(args[5])
  n = 0
end

function request()
  n = n + 1
  local id = string.format("%02d%02d%012x", cell, tid, n)   -- 16 bytes, unique per cell, thread and request
  local body = template:gsub(raw_placeholder, id):gsub(hex_placeholder, hex(id))
  return wrk.format(nil, path, nil, body)
end
