-- examples/basic: every checkout variant needs a heading (resource objects are not value targets, so it stays quiet there).
function check_heading(ctx)
  local heading = ctx.target.selected
  if heading == nil or heading == "" then
    return { { message = "checkout variant " .. ctx.target.name .. " has no heading" } }
  end
end

function register(lint)
  lint:on{ stage = "value", entity = "value", field = "value.heading", handler = "check_heading",
    rule = { id = "consumer-experience/checkout-heading-required", title = "Checkout heading is missing",
      help = "Give every checkout variant a heading." } }
end
