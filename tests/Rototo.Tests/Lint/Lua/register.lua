-- Four registrations that fail validation, one reason each.
function check(ctx) return nil end

local function rule(id)
  return { id = "contract/" .. id, title = "Contract " .. id, help = "Fix the registration" }
end

function register(lint)
  lint:on{ stage = "parse", entity = "variable", handler = "check", rule = rule("stage") }
  lint:on{ stage = "value", entity = "predicate", handler = "check", rule = rule("entity") }
  lint:on{ stage = "value", entity = "value", field = "value.", handler = "check", rule = rule("empty-segment") }
  lint:on{ stage = "value", entity = "value", field = "value.bad segment", handler = "check", rule = rule("bad-segment") }
end
