-- Asks the string library for a 1 GiB string in one C call.
function register(lint)
  local s = string.rep("x", 1024 * 1024 * 1024)
  return #s
end
