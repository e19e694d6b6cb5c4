#!/usr/bin/env bash
# Installs the official Dapr JS SDK for the gRPC interoperability test (tests/CloudRuntimes.Host.Tests/dapr-js).
# Without npm that test skips.
set -euo pipefail
cd "$(dirname "$0")/../../tests/CloudRuntimes.Host.Tests/dapr-js"
if command -v npm >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --loglevel=error
else
  echo "warning: npm not found; the Dapr JS SDK test will be skipped"
fi
