// Relaxed SIMD: one fixed result for every implementation-defined case (lib/interpreter/simd/
// simd_relaxed.ts), the same in the interpreter, the register-code tier and the structured tier.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CompileError, type Module, Runtime } from "../../mod.ts";
import { useRegisterTierOnly } from "../../lib/runtime/runtime.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { wat2wasm } from "../../lib/text/wat.ts";
import { codegenModule, generateFunction } from "../../lib/interpreter/jit/codegen.ts";

/** Relaxed instruction → the 2.0 expression it must equal, over vectors $a $b $c. */
const SAME_AS: [string, string][] = [
  ["(i8x16.relaxed_swizzle (local.get $a) (local.get $b))", "i8x16.swizzle"],
  ["(i32x4.relaxed_trunc_f32x4_s (local.get $a))", "i32x4.trunc_sat_f32x4_s"],
  ["(i32x4.relaxed_trunc_f32x4_u (local.get $a))", "i32x4.trunc_sat_f32x4_u"],
  ["(i32x4.relaxed_trunc_f64x2_s_zero (local.get $a))", "i32x4.trunc_sat_f64x2_s_zero"],
  ["(i32x4.relaxed_trunc_f64x2_u_zero (local.get $a))", "i32x4.trunc_sat_f64x2_u_zero"],
  ["(i8x16.relaxed_laneselect (local.get $a) (local.get $b) (local.get $c))", "v128.bitselect"],
  ["(i16x8.relaxed_laneselect (local.get $a) (local.get $b) (local.get $c))", "v128.bitselect"],
  ["(i32x4.relaxed_laneselect (local.get $a) (local.get $b) (local.get $c))", "v128.bitselect"],
  ["(i64x2.relaxed_laneselect (local.get $a) (local.get $b) (local.get $c))", "v128.bitselect"],
  ["(f32x4.relaxed_min (local.get $a) (local.get $b))", "f32x4.min"],
  ["(f32x4.relaxed_max (local.get $a) (local.get $b))", "f32x4.max"],
  ["(f64x2.relaxed_min (local.get $a) (local.get $b))", "f64x2.min"],
  ["(f64x2.relaxed_max (local.get $a) (local.get $b))", "f64x2.max"],
  ["(i16x8.relaxed_q15mulr_s (local.get $a) (local.get $b))", "i16x8.q15mulr_sat_s"],
  // Unfused multiply-add: exactly mul, then add (or sub from c).
  [
    "(f32x4.relaxed_madd (local.get $a) (local.get $b) (local.get $c))",
    "(f32x4.add (f32x4.mul (local.get $a) (local.get $b)) (local.get $c))",
  ],
  [
    "(f32x4.relaxed_nmadd (local.get $a) (local.get $b) (local.get $c))",
    "(f32x4.add (f32x4.neg (f32x4.mul (local.get $a) (local.get $b))) (local.get $c))",
  ],
  [
    "(f64x2.relaxed_madd (local.get $a) (local.get $b) (local.get $c))",
    "(f64x2.add (f64x2.mul (local.get $a) (local.get $b)) (local.get $c))",
  ],
  [
    "(f64x2.relaxed_nmadd (local.get $a) (local.get $b) (local.get $c))",
    "(f64x2.add (f64x2.neg (f64x2.mul (local.get $a) (local.get $b))) (local.get $c))",
  ],
];

function expression(form: string): string {
  if (form.startsWith("(")) return form;
  const operands = form === "v128.bitselect" ? 3 : /trunc/.test(form) ? 1 : 2;
  return `(${form} ${
    ["$a", "$b", "$c"].slice(0, operands).map((x) => `(local.get ${x})`).join(" ")
  })`;
}

function source(): string {
  const body = (expr: string) =>
    `(local $a v128) (local $b v128) (local $c v128)
     (local.set $a (v128.load (i32.const 0))) (local.set $b (v128.load (i32.const 16)))
     (local.set $c (v128.load (i32.const 32)))
     (v128.store (i32.const 48) ${expr})`;
  const funcs = SAME_AS.map(([relaxed, plain], i) =>
    `(func (export "r${i}") ${body(relaxed)}) (func (export "p${i}") ${body(expression(plain))})`
  );
  return `(module (memory (export "mem") 1)
    (func (export "dot_add") ${
    body("(i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $a) (local.get $b) (local.get $c))")
  })
    (func (export "dot") (param v128 v128) (result v128)
      (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 1)))
    ${funcs.join("\n")})`;
}

const SOURCE = source();

function inputs(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const words = (ws: number[]) => new Uint8Array(new Int32Array(ws).buffer);
  out.push(
    words([
      0x7fc00000,
      0x4f000000,
      -0x800000,
      0x3f800000,
      0x80808080,
      0x7f7f8001,
      0x80000000,
      0x00ff7f10,
      0x3fffffff,
      0x41c00000,
      0xc1c80000,
      0x7f800000,
      0xcf000000,
      0x01020304,
      -1,
      0x0f0f0f0f,
    ]),
  );
  let seed = 0x2545f491;
  for (let k = 0; k < 6; k++) {
    const bytes = new Uint8Array(48);
    for (let i = 0; i < 48; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      bytes[i] = seed >>> 24;
    }
    out.push(bytes);
  }
  return out;
}

function run(m: Module, name: string, input: Uint8Array): number[] {
  const mem = m.exportedMemory("mem")!;
  mem.write(0, input);
  m.exportedFunction(name)!.call();
  return Array.from(mem.read(48, 16)!);
}

/**
 * Float lanes that are NaN, as "NaN": arithmetic may return any arithmetic NaN (JavaScriptCore
 * sets the sign of some), so only the other lanes are compared bit for bit.
 */
function nanLanes(instruction: string, bytes: number[]): unknown[] {
  const shape = /^\((f32x4|f64x2)\./.exec(instruction)?.[1];
  if (shape === undefined) return bytes;
  const view = new DataView(new Uint8Array(bytes).buffer);
  const width = shape === "f64x2" ? 8 : 4;
  const lanes: unknown[] = [];
  for (let at = 0; at < 16; at += width) {
    const x = width === 8 ? view.getFloat64(at, true) : view.getFloat32(at, true);
    lanes.push(Number.isNaN(x) ? "NaN" : bytes.slice(at, at + width));
  }
  return lanes;
}

async function tiers(): Promise<[string, Module][]> {
  const register = useRegisterTierOnly(new Runtime({ jsTier: 1 }));
  return [
    ["interpreter", await new Runtime({ jsTier: false }).instantiate(SOURCE)],
    ["register tier", await register.instantiate(SOURCE)],
    ["structured tier", await new Runtime({ jsTier: 1 }).instantiate(SOURCE)],
  ];
}

test("each relaxed SIMD instruction gives its documented 2.0 result, in every tier", async () => {
  for (const [tier, m] of await tiers()) {
    for (const input of inputs()) {
      for (let round = 0; round < 3; round++) { // the JS tiers compile after the first calls
        SAME_AS.forEach(([relaxed], i) => {
          assert.deepEqual(
            nanLanes(relaxed, run(m, `r${i}`, input)),
            nanLanes(relaxed, run(m, `p${i}`, input)),
            `${tier}: ${relaxed}`,
          );
        });
      }
    }
  }
});

test("i16x8.relaxed_dot_i8x16_i7x16_s: signed operands, the pair sum wraps", async () => {
  for (const [tier, m] of await tiers()) {
    for (let round = 0; round < 3; round++) {
      const a = new Uint8Array(16), b = new Uint8Array(16);
      a.set([0x80, 0x80, 0x80, 0x80, 3, 0xfe]);
      b.set([0x80, 0x80, 0x81, 0x81, 5, 7]);
      const toBig = (x: Uint8Array) => x.reduceRight((acc, v) => (acc << 8n) | BigInt(v), 0n);
      const [r] = m.exportedFunction("dot")!.callRaw(toBig(a), toBig(b)) as bigint[];
      const lane = (k: number) => Number(BigInt.asIntN(16, r >> BigInt(16 * k)));
      // (-128 * -128) * 2 = 32768 wraps to -32768; (-128 * -127) * 2 = 32512; 3*5 - 2*7 = 1.
      assert.deepEqual([lane(0), lane(1), lane(2), lane(3)], [-32768, 32512, 1, 0], tier);
    }
  }
});

test("i32x4.relaxed_dot_i8x16_i7x16_add_s: the exact sum of four signed products, plus c", async () => {
  for (const [tier, m] of await tiers()) {
    for (const input of inputs()) {
      const bytes = new Int8Array(input.buffer, input.byteOffset, 32);
      const c = new Int32Array(input.slice(32, 48).buffer);
      const expected = new Int32Array(4);
      for (let i = 0; i < 4; i++) {
        let sum = c[i];
        for (let k = 4 * i; k < 4 * i + 4; k++) sum += bytes[k] * bytes[16 + k];
        expected[i] = sum;
      }
      for (let round = 0; round < 3; round++) {
        assert.deepEqual(
          run(m, "dot_add", input),
          Array.from(new Uint8Array(expected.buffer)),
          tier,
        );
      }
    }
  }
});

test("the structured tier compiles relaxed SIMD (does not decline it)", () => {
  const module = decodeModule(wat2wasm(SOURCE));
  const cm = codegenModule(module);
  for (let i = 0; i < module.codes.length; i++) {
    assert.notEqual(generateFunction(cm, i), null, `function ${i}`);
  }
});

test("relaxed SIMD needs the relaxedSimd feature", async () => {
  for (const features of ["2.0", { relaxedSimd: false }] as const) {
    await assert.rejects(
      new Runtime({ features }).instantiate(SOURCE),
      (e: unknown) => e instanceof CompileError && /relaxed/i.test(e.message),
    );
  }
  await new Runtime({ features: { relaxedSimd: true } }).instantiate(SOURCE);
});
