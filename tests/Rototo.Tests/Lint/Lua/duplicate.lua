-- The same registration twice (custom-lint-registration-duplicate); both still run.
function check(ctx) return nil end

function register(lint)
  for _ = 1, 2 do
    lint:on{ stage = "policy", entity = "variable", handler = "check",
      rule = { id = "duplicate/rule", title = "Duplicate rule", help = "Nothing to fix" } }
  end
end
