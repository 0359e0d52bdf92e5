#!/usr/bin/env bash
# Builds every workload in this folder to a .wasm next to its source:
# import-free reactor modules that export `run(n)` (and their memory).
# Needs clang 14 with the wasm32 target (Debian: clang-14, lld-14). The
# .wasm files are committed, so the benchmarks run without a C toolchain.
#
# The WASI commands (see COMMANDS: programs with a main, for
# bench/real_programs.ts) are built against wasi-libc instead (Debian:
# wasi-libc, libclang-rt-14-dev-wasm32).
set -euo pipefail
cd "$(dirname "$0")"
CC=${CC:-clang-14}
COMMANDS=(malloc_churn coremark_like)
for src in *.c; do
  name=${src%.c}
  if [[ " ${COMMANDS[*]} " == *" $name "* ]]; then
    "$CC" --target=wasm32-wasi -O2 -Wl,--strip-debug -o "$name.wasm" "$src"
    echo "$name.wasm (WASI command): $(wc -c <"$name.wasm") bytes"
    continue
  fi
  flags=()
  # SIMD workloads (file name starting with simd) are built with -msimd128.
  case $name in simd*) flags+=(-msimd128) ;; esac
  "$CC" --target=wasm32-wasi -O2 -nostdlib "${flags[@]}" \
    -Wl,--no-entry -Wl,--export=run -Wl,--strip-debug \
    -o "$name.wasm" "$src"
  echo "$name.wasm: $(wc -c <"$name.wasm") bytes"
done
