-- The sandbox of a custom lint VM (rototo.md §10.1). Runs first in every fresh VM, with all standard
-- libraries open, and returns one driver function that the host calls with an operation number; the host
-- never pushes strings or reads fields itself, so every allocation happens inside protected calls.
local clock = __rototo_clock
local sethook = debug.sethook
local rawpcall, rawxpcall, error, type, tostring, select = pcall, xpcall, error, type, tostring, select
local rawget, rawlen = rawget, rawlen
local G = _G
local ipairs = ipairs
local mathtype = math.type

local LIMIT = "custom lint exceeded Lua execution limits"
local MAX_INSTRUCTIONS, HOOK_EVERY, MAX_SECONDS = 1000000, 1000, 2
local started, counted, exceeded = clock(), 0, false

local function hook()
  if not exceeded then
    counted = counted + HOOK_EVERY
    exceeded = counted > MAX_INSTRUCTIONS or clock() - started > MAX_SECONDS
  end
  if exceeded then error(LIMIT, 0) end
end
sethook(hook, "", HOOK_EVERY)

-- Once the limits are exceeded, no protected call may swallow the error (the libraries are base, table,
-- string, utf8 and math, so pcall and xpcall are the only ways to catch it).
local function rethrow(...)
  if exceeded then error(LIMIT, 0) end
  return ...
end
pcall = function(...) return rethrow(rawpcall(...)) end
xpcall = function(...) return rethrow(rawxpcall(...)) end

for _, name in ipairs({ "os", "io", "package", "require", "dofile", "loadfile", "load", "collectgarbage", "debug", "coroutine", "__rototo_clock" }) do
  G[name] = nil
end
-- print would write into the host's standard output (the LSP's JSON-RPC stream): output is discarded.
print = function() end

local function describe(err)
  if type(err) == "string" then return err end
  local ok, text = rawpcall(tostring, err)
  if ok and type(text) == "string" then return text end
  return "(error object is a " .. type(err) .. " value)"
end

-- Registration (§10.2 step 3).
local registrations = {}
local lint = {}
local function require_string(t, key, label)
  local v = rawget(t, key)
  if type(v) ~= "string" or v == "" then error("registration must contain " .. label, 0) end
  return v
end
local function optional_string(t, key, label)
  local v = rawget(t, key)
  if v ~= nil and type(v) ~= "string" then error("registration " .. label .. " must be a string", 0) end
  return v
end
function lint.on(...)
  local n = select("#", ...)
  local a, b = ...
  local t
  if n == 1 and type(a) == "table" and a ~= lint then
    t = a
  elseif n == 2 and a == lint and type(b) == "table" then
    t = b
  else
    error("lint:on expects a single registration table", 0)
  end
  local r = {}
  r.stage = require_string(t, "stage", "stage")
  r.entity = require_string(t, "entity", "entity")
  r.handler = require_string(t, "handler", "handler")
  r.field = optional_string(t, "field", "field")
  local rule = rawget(t, "rule")
  if type(rule) ~= "table" then error("registration must contain rule metadata", 0) end
  r.id = require_string(rule, "id", "id")
  r.title = require_string(rule, "title", "title")
  r.help = require_string(rule, "help", "help")
  r.severity = optional_string(rule, "severity", "rule.severity")
  registrations[#registrations + 1] = r
end

local function run_register()
  local register = rawget(G, "register")
  if register == nil then return "custom lint must define register(lint)" end
  if type(register) ~= "function" then
    return "custom lint has invalid register function: expected a function, got " .. type(register)
  end
  local ok, err = rawpcall(register, lint)
  if exceeded then return LIMIT end
  if not ok then return "custom lint registration failed: " .. describe(err) end
  -- Flat list: 9 strings per registration, "" for absent optional fields.
  local flat = {}
  for _, r in ipairs(registrations) do
    local handler_exists = type(rawget(G, r.handler)) == "function" and "1" or "0"
    for _, v in ipairs({ r.stage, r.entity, r.field or "", r.handler, r.id, r.title, r.help, r.severity or "", handler_exists }) do
      flat[#flat + 1] = v
    end
  end
  return flat
end

-- Handler call (§10.3): returns "" + flat (message, field) pairs, or an error string.
local function run_handler(context_chunk, null)
  local ok, handler_name, ctx = rawpcall(context_chunk, null)
  if not ok then return describe(handler_name) end
  local handler = rawget(G, handler_name)
  if type(handler) ~= "function" then return "handler is not callable: " .. handler_name end
  local called, result = rawpcall(handler, ctx)
  if exceeded then return LIMIT end
  if not called then return describe(result) end
  local flat = {}
  if result == nil then return flat end
  -- Lua's subtype for numbers ("integer" or "number"), as rototo reports it.
  if type(result) ~= "table" then return "custom lint must return a list of diagnostics, got " .. (mathtype(result) == "integer" and "integer" or type(result)) end
  for i = 1, rawlen(result) do
    local entry = rawget(result, i)
    if type(entry) ~= "table" or type(rawget(entry, "message")) ~= "string" then
      return "custom lint diagnostic must contain message"
    end
    local field = rawget(entry, "field")
    flat[#flat + 1] = rawget(entry, "message")
    flat[#flat + 1] = type(field) == "string" and field or ""
  end
  return flat
end

local function run_chunk(chunk)
  local ok, err = rawpcall(chunk)
  if exceeded then return LIMIT end
  if not ok then return "failed to execute custom lint: " .. describe(err) end
  return nil
end

return function(op, a, b)
  if op == 1 then return run_chunk(a) end
  if op == 2 then return run_register() end
  return run_handler(a, b)
end
