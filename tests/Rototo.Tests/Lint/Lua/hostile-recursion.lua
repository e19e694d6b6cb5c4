-- Recurses through pcall until the C stack limit (caught), then through plain calls until the Lua stack
-- outgrows the memory limit.
local function deep_c() pcall(deep_c) end
local function deep(n) return 1 + deep(n + 1) end

function register(lint)
  deep_c()
  deep(1)
end
