-- POST runs/search with one fixed JSON body (the same search every request).
-- args: path body_json
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local path, body
function init(args)
  path = args[1]
  body = args[2]
  json_headers()
end

function request()
  return wrk.format(nil, path, nil, body)
end
