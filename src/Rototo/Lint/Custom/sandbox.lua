-- The sandbox of a custom lint VM (rototo.md §10.1). Runs first in every fresh VM, with all standard
-- libraries open, and returns one driver function that the host calls with an operation number; the host
-- never pushes strings or reads fields itself, so every allocation happens inside protected calls.
-- The host passes the limits (LuaLimits.cs) and provides two functions: expired() is true once the pass's
-- time is up or the pass was cancelled; guard(op, ...) says whether a call into C may run (LuaCallGuard.cs).
local MAX_INSTRUCTIONS, CHECK_EVERY = ...
local expired, guard = __rototo_expired, __rototo_guard
local sethook, metatable_of = debug.sethook, debug.getmetatable
local rawpcall, rawxpcall, error, type, tostring, tonumber, select = pcall, xpcall, error, type, tostring, tonumber, select
local rawget, rawlen, tointeger = rawget, rawlen, math.tointeger
local G, string, table = _G, string, table
local ipairs = ipairs
local mathtype = math.type

local LIMIT = "custom lint exceeded Lua execution limits"
local counted, exceeded = 0, false

local function exceed()
  exceeded = true
  error(LIMIT, 0)
end

local function hook()
  if not exceeded then
    counted = counted + CHECK_EVERY
    exceeded = counted > MAX_INSTRUCTIONS or expired()
  end
  if exceeded then error(LIMIT, 0) end
end
sethook(hook, "", CHECK_EVERY)

-- Once the limits are exceeded, no protected call may swallow the error (the libraries are base, table,
-- string, utf8 and math, so pcall and xpcall are the only ways to catch it).
local function rethrow(...)
  if exceeded then error(LIMIT, 0) end
  return ...
end
pcall = function(...) return rethrow(rawpcall(...)) end
xpcall = function(...) return rethrow(rawxpcall(...)) end

-- A C function runs to its end: neither the hook nor a cancellation reaches inside it. Those that can loop
-- for long ask guard() first. Each wrapper calls the library function through a local of the same name, so
-- argument errors read as they would without the wrapper ("bad argument #1 to 'find'").
local function through(...) return ... end
do
  local find, match, gmatch, gsub, rep = string.find, string.match, string.gmatch, string.gsub, string.rep
  -- The pattern matcher backtracks inside one call: refused when its worst case is over the per-call budget.
  string.find = function(...)
    if not guard(1, ...) then exceed() end
    return through(find(...))
  end
  string.match = function(...)
    if not guard(2, ...) then exceed() end
    return through(match(...))
  end
  string.gmatch = function(...)
    if not guard(3, ...) then exceed() end
    return through(gmatch(...))
  end
  string.gsub = function(...)
    if not guard(4, ...) then exceed() end
    return through(gsub(...))
  end
  -- Repeating an empty string with an empty separator loops n times to build "": answered here.
  string.rep = function(...)
    local s, n, sep = ...
    if s == "" and (sep == nil or sep == "") and tointeger(tonumber(n)) then return "" end
    return through(rep(...))
  end
end
do
  local move, insert, remove, setmetatable = table.move, table.insert, table.remove, setmetatable
  -- A border (#t) can be huge without the elements existing (t[1], t[2], t[4], ..., t[2^40]), and shifting
  -- it is a loop in C, as is moving a huge range.
  local function length(t)
    if type(t) ~= "table" then return 0 end
    local mt = metatable_of(t)
    if mt ~= nil and rawget(mt, "__len") ~= nil then return #t end
    return rawlen(t)
  end
  table.move = function(...)
    if not guard(5, ...) then exceed() end
    return through(move(...))
  end
  table.insert = function(...)
    if select("#", ...) == 3 and not guard(0, length((...))) then exceed() end
    return through(insert(...))
  end
  table.remove = function(...)
    if select("#", ...) >= 2 and not guard(0, length((...))) then exceed() end
    return through(remove(...))
  end
  -- Finalizers run with hooks switched off (during collection and when the VM closes), out of reach of
  -- every limit: a table can never be marked for finalization.
  G.setmetatable = function(...)
    local _, mt = ...
    if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
      error("bad argument #2 to 'setmetatable' (__gc metamethods are not allowed in custom lint)", 2)
    end
    return through(setmetatable(...))
  end
end

for _, name in ipairs({ "os", "io", "package", "require", "dofile", "loadfile", "load", "collectgarbage", "debug", "coroutine", "__rototo_expired", "__rototo_guard" }) do
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
