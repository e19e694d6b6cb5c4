-- register makes no lint:on call (custom-lint-file-unregistered).
function register(lint)
end
