/**
 * Running untrusted code: a fuel budget (instructions executed), a wall-clock
 * timeout, and a memory limit. Each limit stops the guest with a
 * `RuntimeError` the host can catch; the host keeps running.
 *
 * Run: `deno run examples/untrusted_code.ts`, `bun examples/untrusted_code.ts`.
 */
import { Runtime, RuntimeError } from "../mod.ts";

const UNTRUSTED = `(module
  (memory (export "memory") 1)
  (func (export "spin") (loop $forever (br $forever)))
  (func (export "sum") (param $n i32) (result i32) (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $s))
  (func (export "hog") (result i32) (memory.grow (i32.const 1000))))`;

/** Runs `f`, returning the trap message instead of throwing. */
function attempt(f: () => unknown): string {
  try {
    return `returned ${JSON.stringify(f())}`;
  } catch (e) {
    if (e instanceof RuntimeError) return `stopped: ${e.message}`;
    throw e;
  }
}

// Fuel: every instruction costs one unit of the module's budget.
const metered = new Runtime({ fuel: true, memoryLimitPages: 16 });
const guest = await metered.instantiate(UNTRUSTED);
guest.fuel = 10_000;
const small = attempt(() => guest.exportedFunction("sum")!.call(100));
console.log(`sum(100) with 10,000 fuel: ${small}, ${10_000 - guest.fuel} used`);
guest.fuel = 10_000;
const big = attempt(() => guest.exportedFunction("sum")!.call(1_000_000));
console.log(`sum(1000000) with 10,000 fuel: ${big}`);
guest.fuel = 1_000_000;
const spin = attempt(() => guest.exportedFunction("spin")!.call());
console.log(`spin with 1,000,000 fuel: ${spin}`);
// memory.grow beyond the runtime's limit fails inside the guest (returns -1): no host memory used.
guest.fuel = 1_000;
const hog = attempt(() => guest.exportedFunction("hog")!.call());
console.log(`grow by 1000 pages with a 16-page limit: ${hog}`);

// A timeout: no fuel needed (metering off costs nothing), the call stops after 50 ms.
const plain = new Runtime();
const timed = await plain.instantiate(UNTRUSTED);
const started = Date.now();
const timeout = attempt(() => timed.exportedFunction("spin")!.withOptions({ timeout: 50 }).call());
console.log(`spin with a 50 ms timeout: ${timeout} after ~${Date.now() - started} ms`);

if (
  small !== "returned [5050]" || big !== "stopped: out of fuel" ||
  spin !== "stopped: out of fuel" || hog !== "returned [-1]" ||
  timeout !== "stopped: interrupted: deadline exceeded"
) throw new Error("unexpected results");
metered.close();
plain.close();
