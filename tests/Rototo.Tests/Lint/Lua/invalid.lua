-- A registration for a stage custom lint cannot use (custom-lint-registration-invalid).
function check(ctx) return nil end

function register(lint)
  lint:on{ stage = "parse", entity = "variable", handler = "check",
    rule = { id = "invalid/rule", title = "Invalid stage", help = "Use a lint stage" } }
end
