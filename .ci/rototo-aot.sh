#!/usr/bin/env bash
# The native AOT `rototo` in CI's test path (issue 19): publishes it, then runs every Rototo.Tests class that
# starts the command (found by its use of CliProcess or LspClient, so new classes are included) against the
# native binary through ROTOTO_CLI. Prints the test platform's run summary like the main run.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/aot/rototo
dotnet publish src/Rototo.Cli -c Release -r linux-x64 -p:PublishAot=true -v q -o "$out"
filters=()
while read -r class; do
  filters+=(--filter-class "*.$class")
done < <(grep -rlE 'CliProcess\.|LspClient\.' tests/Rototo.Tests --include='*.cs' | grep -v '/Support/' \
  | xargs grep -hoE 'class [A-Za-z0-9_]+Tests\b' | awk '{print $2}' | sort -u)
echo "native AOT rototo: $(du -m "$out/Rototo.Cli" | cut -f1) MB; $((${#filters[@]} / 2)) test classes run against it"
ROTOTO_CLI="$PWD/$out/Rototo.Cli" dotnet test --project tests/Rototo.Tests/Rototo.Tests.csproj -- "${filters[@]}"
