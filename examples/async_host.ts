/**
 * An async host function: the guest calls an import that returns a Promise
 * (here a timer standing in for `fetch`, a database or a file read). Called
 * with `callAsync`, the WebAssembly code is suspended at that call, the
 * Promise is awaited, and execution resumes in place with its value; other
 * tasks of the event loop keep running meanwhile.
 *
 * Run: `deno run examples/async_host.ts`, `bun examples/async_host.ts`.
 */
import { Runtime } from "../mod.ts";

const GUEST = `(module
  (import "env" "lookup" (func $lookup (param i32) (result i64)))
  ;; Sums lookup(1) + ... + lookup(n): n awaited host calls in one guest call.
  (func (export "total") (param $n i32) (result i64) (local $sum i64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $sum (i64.add (local.get $sum) (call $lookup (local.get $n))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $sum)))`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let ticks = 0;
const ticker = setInterval(() => ticks++, 1);

const runtime = new Runtime();
const module = await runtime.instantiate(GUEST, {
  env: {
    // i64 results are bigints; the function may be async.
    lookup: async (key: number) => {
      await sleep(2);
      return BigInt(key) * 1_000_000_000_000n;
    },
  },
});
const total = module.typedFunction("total", ["i32"], ["i64"]);
const [sum] = await total.callAsync(10);
clearInterval(ticker);
console.log(`total(10) = ${sum}; the event loop ran ${ticks > 0 ? "meanwhile" : "not at all"}`);

// A plain call cannot wait: it fails with a TypeError saying to use callAsync.
let syncError = "";
try {
  total.call(1);
} catch (e) {
  syncError = (e as Error).message;
}
console.log(`call() instead: ${syncError}`);
if (sum !== 55_000_000_000_000n || !/callAsync/.test(syncError)) {
  throw new Error("unexpected result");
}
runtime.close();
