-- Two registrations of one custom rule with different titles (custom-lint-rule-conflict).
function check(ctx) return nil end

function register(lint)
  lint:on{ stage = "policy", entity = "variable", handler = "check",
    rule = { id = "conflict/rule", title = "First title", help = "Same help" } }
  lint:on{ stage = "policy", entity = "variable", handler = "check",
    rule = { id = "conflict/rule", title = "Second title", help = "Same help" } }
end
