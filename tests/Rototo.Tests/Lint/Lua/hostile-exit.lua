-- Tries to end the host process.
function register(lint)
  os.exit(1)
end
