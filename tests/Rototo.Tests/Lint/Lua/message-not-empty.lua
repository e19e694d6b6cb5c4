-- examples/custom-lint: operational messages must not be empty.
function check_message(ctx)
  if ctx.target.selected == "" then
    return { { message = "message " .. ctx.target.name .. " is empty" } }
  end
end

function register(lint)
  lint:on{ stage = "value", entity = "value", field = "value", handler = "check_message",
    rule = { id = "operations/message-not-empty", title = "Operational message is empty", help = "Write a message." } }
end
