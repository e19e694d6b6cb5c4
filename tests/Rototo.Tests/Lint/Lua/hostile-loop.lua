-- register never returns.
function register(lint)
  while true do end
end
