#!/usr/bin/env bash
# Cross-check: runs every test program under wazero-ts (Deno and Bun) and
# under Node's built-in node:wasi, and diffs stdout and exit codes. Run by
# hand: bash bench/wasi_crosscheck.sh (needs deno, bun and node >= 20).
set -uo pipefail
cd "$(dirname "$0")/.."
P=tests/wasi/programs
fail=0
compare() { # name, then the arguments shared by both runners
  local name=$1; shift
  local a b ra rb rc
  for runner in "deno run -A cli.ts run" "bun cli.ts run"; do
    local dir; dir=$(mktemp -d); mkdir -p "$dir/box/inner"; echo inside >"$dir/box/inner/file.txt"
    local dir2; dir2=$(mktemp -d); mkdir -p "$dir2/box/inner"; echo inside >"$dir2/box/inner/file.txt"
    a=$(printf 'the quick brown fox\njumps over the lazy dog\nthe end\n' |
      $runner "${@//@DIR@/$dir}" 2>/dev/null); ra=$?
    b=$(printf 'the quick brown fox\njumps over the lazy dog\nthe end\n' |
      node bench/node_wasi_run.mjs "${@//@DIR@/$dir2}" 2>/dev/null); rb=$?
    rm -rf "$dir" "$dir2"
    if [ "$a" == "$b" ] && [ $ra -eq $rb ]; then
      echo "same: $name (${runner%% *}, exit $ra)"
    else
      echo "DIFFERENT: $name (${runner%% *}: exit $ra vs node $rb)"
      diff <(echo "$a") <(echo "$b") | head -20
      fail=1
    fi
  done
}
compare hello --env EXIT_CODE=3 $P/hello.wasm one "two words"
compare files --mount @DIR@:/ $P/files.wasm
compare clock_random $P/clock_random.wasm
compare wc --mount @DIR@:/ $P/wc.wasm
compare escape --mount @DIR@/box:/sandbox $P/escape.wasm
exit $fail
