-- One valid value-stage rule and two invalid registrations (unsupported stage, missing handler).
function check_budget(ctx)
  local value = ctx.target.selected
  if type(value) == "table" and type(value[1]) == "number" and value[1] > 5000 then
    return { { message = "token budget " .. value[1] .. " exceeds 5000" } }
  end
  return nil
end

function register(lint)
  lint:on{ stage = "parse", entity = "value", handler = "check_budget",
    rule = { id = "payments/max-token-budget", title = "Token budget", help = "Keep budgets at most 5000" } }
  lint:on{ stage = "value", entity = "value", handler = "missing_handler",
    rule = { id = "payments/max-token-budget", title = "Token budget", help = "Keep budgets at most 5000" } }
  lint:on{ stage = "value", entity = "value", field = "value", handler = "check_budget",
    rule = { id = "payments/max-token-budget", title = "Token budget", help = "Keep budgets at most 5000" } }
end
