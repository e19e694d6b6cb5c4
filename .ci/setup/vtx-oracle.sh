#!/usr/bin/env bash
# Installs the Node oracle of the VTX host tests (tests/Vtx.Tests/oracle: jco-transpile, sql.js).
# Without npm the oracle tests skip.
set -euo pipefail
cd "$(dirname "$0")/../../tests/Vtx.Tests/oracle"
if command -v npm >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --loglevel=error
else
  echo "warning: npm not found; the VTX oracle tests will be skipped"
fi
