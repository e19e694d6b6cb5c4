-- Policy-stage variable handler: fails for one variable, rejects another, accepts the rest.
function check_variable(ctx)
  local id = ctx.target.id
  if id == "custom-failed" then
    error("handler refused " .. id)
  end
  if id == "custom-valid" then
    return { { message = "custom lint rejected " .. id } }
  end
  return nil
end

function register(lint)
  lint:on{ stage = "policy", entity = "variable", handler = "check_variable",
    rule = { id = "payments/max-token-budget", title = "Token budget", help = "Keep token budgets small" } }
end
