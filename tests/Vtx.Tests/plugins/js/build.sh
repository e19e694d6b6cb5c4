#!/usr/bin/env bash
# Builds the JavaScript test plugin plugin.js into OUT_DIR/js-notes.component.wasm with componentize-js 0.23
# (default build, WASI included), typed by the project's src/Vtx.Protocol/wit/vtx.wit.
# The build takes tens of seconds: it is skipped when OUT_DIR already holds the build of the same inputs
# (plugin.js, build.mjs, package-lock.json, vtx.wit), and concurrent builds into one folder wait for each other.
# Needs node and `npm ci` in this folder (.ci/setup/vtx-js-plugin.sh does it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "${1:-$here/out}" && cd "${1:-$here/out}" && pwd)"
wit="$here/../../../../src/Vtx.Protocol/wit/vtx.wit"
if [ ! -d "$here/node_modules/@bytecodealliance/componentize-js" ]; then
  echo "componentize-js is not installed: run .ci/setup/vtx-js-plugin.sh (npm ci in tests/Vtx.Tests/plugins/js)" >&2
  exit 3
fi
inputs="$(cat "$here/plugin.js" "$here/build.mjs" "$here/package-lock.json" "$wit" | sha256sum | cut -d' ' -f1)"
exec 9>"$out/.build.lock"
flock 9
if [ -f "$out/js-notes.component.wasm" ] && [ "$(cat "$out/js-notes.inputs" 2>/dev/null)" = "$inputs" ]; then
  exit 0
fi
node "$here/build.mjs" "$here/plugin.js" "$wit" "$out/js-notes.component.wasm.tmp"
mv "$out/js-notes.component.wasm.tmp" "$out/js-notes.component.wasm"
echo "$inputs" > "$out/js-notes.inputs"
