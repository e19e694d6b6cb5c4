#!/usr/bin/env bash
# Builds the JavaScript test plugin plugin.js into OUT_DIR/js-notes.component.wasm with componentize-js 0.23
# (default build, WASI included), typed by the project's src/Vtx.Protocol/wit/vtx.wit.
# Needs node and `npm ci` in this folder (.ci/setup/vtx-js-plugin.sh does it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "${1:-$here/out}" && cd "${1:-$here/out}" && pwd)"
if [ ! -d "$here/node_modules/@bytecodealliance/componentize-js" ]; then
  echo "componentize-js is not installed: run .ci/setup/vtx-js-plugin.sh (npm ci in tests/Vtx.Tests/plugins/js)" >&2
  exit 3
fi
node "$here/build.mjs" "$here/plugin.js" "$here/../../../../src/Vtx.Protocol/wit/vtx.wit" "$out/js-notes.component.wasm"
