#!/usr/bin/env bash
# Builds the WASI test programs with Debian's clang and wasi-libc
# (packages clang-14, wasi-libc, libclang-rt-14-dev-wasm32). The .wasm
# files are committed, so the tests never need a compiler.
set -euo pipefail
cd "$(dirname "$0")"
CC=${CC:-clang-14}
for src in *.c; do
  "$CC" --target=wasm32-wasi --sysroot=/usr -O2 -s -Wall -o "${src%.c}.wasm" "$src"
  echo "built ${src%.c}.wasm ($(wc -c <"${src%.c}.wasm") bytes)"
done
