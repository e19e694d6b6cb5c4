-- A rule that never reports.
function accept(ctx) return nil end

function register(lint)
  lint:on{ stage = "policy", entity = "variable", handler = "accept",
    rule = { id = "safety/accept", title = "Accept", help = "Nothing to fix" } }
end
