-- A warning-severity policy rule on the variable type.
function advise(ctx)
  return { { message = "variable " .. ctx.target.id .. " should be reviewed" } }
end

function register(lint)
  lint.on{ stage = "policy", entity = "variable", field = "type", handler = "advise",
    rule = { id = "policy/advisory", title = "Advisory review", help = "Review the variable", severity = "warning" } }
end
