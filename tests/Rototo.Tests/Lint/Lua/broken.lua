-- register raises an error (custom-lint-failed at the register stage).
function register(lint)
  error("registration refused on purpose")
end
