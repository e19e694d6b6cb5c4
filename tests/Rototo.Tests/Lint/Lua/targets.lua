-- One rule per target kind and field selector; every handler reports what it was given.
local function rule(id, title)
  return { id = "targets/" .. id, title = title, help = "Target coverage" }
end

function extends_item(ctx)
  if ctx.target.kind == "workspace" and type(ctx.target.extends) == "table" then
    return { { message = "workspace extends " .. #ctx.target.extends .. " sources" } }
  end
end

function qualifier_predicates(ctx)
  return { { message = "qualifier " .. ctx.target.id .. " has " .. #ctx.target.toml.predicate .. " predicate(s)" } }
end

function variable_type(ctx)
  return { { message = "variable " .. ctx.target.id .. " has type " .. ctx.target.toml.type } }
end

function returned_type(ctx)
  return { { message = "type of " .. ctx.target.id, field = "type" } }
end

function invalid_field(ctx)
  return { { message = "no such field on " .. ctx.target.id, field = "no-such-field" } }
end

function schema_json(ctx)
  local selected = ctx.target.selected
  if selected and selected.max_output_tokens and selected.max_output_tokens.type == "integer" then
    return { { message = "schema " .. ctx.target.path .. " declares max_output_tokens" } }
  end
end

function register(lint)
  lint:on{ stage = "project", entity = "workspace", field = "extends", handler = "extends_item", rule = rule("workspace-extends", "Workspace extends") }
  lint:on{ stage = "project", entity = "qualifier", field = "predicates", handler = "qualifier_predicates", rule = rule("qualifier-predicates", "Qualifier predicates") }
  lint:on{ stage = "value", entity = "variable", field = "type", handler = "variable_type", rule = rule("variable-type", "Variable type") }
  lint:on{ stage = "value", entity = "variable", handler = "returned_type", rule = rule("returned-variable-type", "Returned type field") }
  lint:on{ stage = "value", entity = "variable", handler = "invalid_field", rule = rule("invalid-returned-field", "Invalid returned field") }
  lint:on{ stage = "value", entity = "schema", field = "json.properties", handler = "schema_json", rule = rule("schema-json", "Schema JSON") }
end
