// i64 shifts and rotations by a constant count are fused register ops (i64_shl_imm ...) whose
// cases compute every count without branching on it; every count, in the interpreter and in the
// register-code tier (which runs the same case bodies), against BigInt.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime } from "../../mod.ts";
import { useRegisterTierOnly } from "../../lib/runtime/runtime.ts";

const OPS = ["shl", "shr_s", "shr_u", "rotl", "rotr"] as const;
/** Every count of 0 to 63, and some that wrap (taken modulo 64). */
const COUNTS = [...Array.from({ length: 64 }, (_, i) => i), 64, 65, 100, -1];
const VALUES = [1n, 0x8000000000000001n, 0x0123456789abcdefn, 0xfedcba9876543210n, -1n, 0n];

function expected(op: (typeof OPS)[number], x: bigint, count: number): bigint {
  const k = BigInt(count & 63), u = BigInt.asUintN(64, x);
  switch (op) {
    case "shl":
      return BigInt.asIntN(64, u << k);
    case "shr_s":
      return BigInt.asIntN(64, x) >> k;
    case "shr_u":
      return BigInt.asIntN(64, u >> k);
    case "rotl":
      return BigInt.asIntN(64, (u << k) | (u >> ((64n - k) % 64n)));
    case "rotr":
      return BigInt.asIntN(64, (u >> k) | (u << ((64n - k) % 64n)));
  }
}

let source = "(module\n";
for (const op of OPS) {
  for (const c of COUNTS) {
    source += `(func (export "${op}_${c}") (param i64) (result i64)
      (i64.${op} (local.get 0) (i64.const ${c})))\n`;
  }
}
source += ")";

for (const tier of ["interpreter", "register-code tier"] as const) {
  test(`i64 shifts and rotations by each constant count, ${tier}`, async () => {
    const runtime = new Runtime({ jsTier: tier === "interpreter" ? false : 1 });
    if (tier !== "interpreter") useRegisterTierOnly(runtime);
    const module = await runtime.instantiate(source);
    for (const op of OPS) {
      for (const c of COUNTS) {
        const f = module.exportedFunction(`${op}_${c}`)!;
        for (const x of VALUES) {
          assert.deepEqual(f.call(x), [expected(op, x, c)], `${op} ${x} by ${c}`);
        }
      }
    }
  });
}
