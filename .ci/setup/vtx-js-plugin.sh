#!/usr/bin/env bash
# Installs componentize-js for the JavaScript test plugin (tests/Vtx.Tests/plugins/js: npm ci), which the VTX tests
# build into a component with tests/Vtx.Tests/plugins/js/build.sh. Without npm the JavaScript plugin tests are skipped.
set -euo pipefail
cd "$(dirname "$0")/../../tests/Vtx.Tests/plugins/js"
if command -v npm >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --loglevel=error
else
  echo "warning: npm not found; the VTX JavaScript plugin tests will be skipped"
fi
