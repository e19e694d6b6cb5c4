-- Allocates without bound, keeping everything reachable.
local kept = {}
function register(lint)
  local s = "x"
  while true do
    s = s .. s
    kept[#kept + 1] = s
  end
end
