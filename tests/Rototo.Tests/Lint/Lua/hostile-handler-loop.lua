-- Registers fine; the handler loops forever.
function spin(ctx)
  while true do end
end

function register(lint)
  lint:on{ stage = "policy", entity = "variable", handler = "spin",
    rule = { id = "sandbox/spin", title = "Spin", help = "None" } }
end
