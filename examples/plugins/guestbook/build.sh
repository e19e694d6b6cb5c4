#!/usr/bin/env bash
# Rebuilds guestbook.wasm (a core module following the canonical ABI of world `plugin`) from guestbook.c.
# Needs Debian's clang and lld. The built file is committed so that the server serves it on a machine
# with only the .NET SDK.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
wasm_ld="$(command -v wasm-ld || command -v wasm-ld-14)"
clang --target=wasm32 -O2 -nostdlib -ffreestanding -Wall -Werror -I "$here/../../../src/Vtx.Protocol/c" \
  -c "$here/guestbook.c" -o "$here/guestbook.o"
"$wasm_ld" --no-entry --export-dynamic --stack-first -z stack-size=65536 --strip-all -o "$here/guestbook.wasm" "$here/guestbook.o"
rm -f "$here/guestbook.o"
