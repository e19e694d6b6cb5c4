-- lint-failures: a policy rule on the variable custom-lint and a value rule on custom-value-lint/default.
function reject_variable(ctx)
  if ctx.target.id == "custom-lint" then
    return { { message = "custom lint rejected variable " .. ctx.target.id } }
  end
end

function reject_value(ctx)
  if ctx.target.variable.id == "custom-value-lint" and ctx.target.name == "default" then
    return { { message = "custom lint rejected value " .. ctx.target.selected } }
  end
end

function register(lint)
  lint:on{ stage = "policy", entity = "variable", handler = "reject_variable",
    rule = { id = "fixture/custom-variable-rejected", title = "Variable rejected", help = "Fix the variable" } }
  lint:on{ stage = "value", entity = "value", field = "value", handler = "reject_value",
    rule = { id = "fixture/custom-value-rejected", title = "Value rejected", help = "Fix the value" } }
end
