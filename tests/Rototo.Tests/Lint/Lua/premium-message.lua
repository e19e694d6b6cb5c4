-- examples/basic: premium messages must not shout.
function check_tone(ctx)
  if ctx.target.variable.id == "premium-message" and type(ctx.target.value) == "string" and ctx.target.value:find("!!!", 1, true) then
    return { { message = "premium message " .. ctx.target.name .. " shouts" } }
  end
end

function register(lint)
  lint:on{ stage = "policy", entity = "value", handler = "check_tone",
    rule = { id = "consumer-experience/premium-message-tone", title = "Premium message shouts", help = "Write premium messages without !!!." } }
end
