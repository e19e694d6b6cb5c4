#!/usr/bin/env bash
# Builds the C test plugins into OUT_DIR (default: ./out). `build.sh built` rebuilds the committed copies
# that the tests use when the toolchain is absent (a test checks they match a fresh build):
#   NAME.core.wasm       a core module following the canonical ABI (clang + wasm-ld)
#   NAME.component.wasm  a real component (wasm-component-ld, when found), typed by the project's vtx.wit
# Needs: clang (wasm32 target) and wasm-ld (Debian packages clang, lld).
# wasm-component-ld ships with the Rust toolchain; set WASM_COMPONENT_LD to point at another copy.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "${1:-$here/out}" && cd "${1:-$here/out}" && pwd)"
wit="$here/../../../src/Vtx.Protocol/wit/vtx.wit"
include="$here/../../../src/Vtx.Protocol/c"
wasm_ld="$(command -v wasm-ld || command -v wasm-ld-14)"

component_ld="${WASM_COMPONENT_LD:-}"
if [ -z "$component_ld" ]; then
  component_ld="$(command -v wasm-component-ld || true)"
fi
if [ -z "$component_ld" ] && command -v rustc >/dev/null 2>&1; then
  candidate="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/wasm-component-ld"
  [ -x "$candidate" ] && component_ld="$candidate"
fi

# Freestanding plugins: no libc at all.
for source in "$here"/*.c; do
  name="$(basename "$source" .c)"
  case "$name" in wasi-*) continue ;; esac
  clang --target=wasm32 -O2 -nostdlib -ffreestanding -Wall -Werror -I "$include" -c "$source" -o "$out/$name.o"
  "$wasm_ld" --no-entry --export-dynamic --stack-first -z stack-size=65536 -o "$out/$name.core.wasm" "$out/$name.o"
  if [ -n "$component_ld" ]; then
    "$component_ld" --wasm-ld-path "$wasm_ld" --wasi-adapter none --component-type "$wit" \
      --no-entry --export-dynamic --stack-first -z stack-size=65536 -o "$out/$name.component.wasm" "$out/$name.o"
  fi
done

# wasi-*.c: reactors built against wasi-libc (Debian packages wasi-libc, libclang-rt-14-dev-wasm32);
# their components carry the WASI preview1 reactor adapter, the shape vtx-cli makes for Rust plugins.
for source in "$here"/wasi-*.c; do
  name="$(basename "$source" .c)"
  if ! clang --target=wasm32-wasi -O2 -Wall -Werror -I "$include" -c "$source" -o "$out/$name.o" 2>"$out/$name.log" \
    || ! clang --target=wasm32-wasi -mexec-model=reactor -fuse-ld="$wasm_ld" -Wl,--export-dynamic -o "$out/$name.core.wasm" "$out/$name.o" 2>>"$out/$name.log"; then
    echo "skipping $name: wasi-libc build failed (install wasi-libc and libclang-rt-14-dev-wasm32): $(head -c 300 "$out/$name.log")" >&2
    continue
  fi
  if [ -n "$component_ld" ]; then
    clang --target=wasm32-wasi -mexec-model=reactor -fuse-ld="$component_ld" -Wl,--wasm-ld-path,"$wasm_ld" \
      -Wl,--wasi-adapter,reactor -Wl,--component-type,"$wit" -Wl,--export-dynamic -o "$out/$name.component.wasm" "$out/$name.o"
  fi
done

# Only the .wasm files are results.
rm -f "$out"/*.o "$out"/*.log
