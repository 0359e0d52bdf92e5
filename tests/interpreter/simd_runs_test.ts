// The interpreter runs consecutive SIMD ops of `runSimdOp` in one call; a memory access among them
// runs only as the first of a call, so a trap names its own instruction, as in the other tiers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime, RuntimeError } from "../../mod.ts";
import { wat2wasm } from "../../lib/text/index.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { validateModule } from "../../lib/validate/module_validator.ts";
import { translateModule } from "../../lib/interpreter/translate/translator.ts";
import { disassemble } from "../../lib/interpreter/ops.ts";

// i32x4.add, i8x16.avgr_u and i16x8.narrow_i32x4_u are own ops of runSimdOp; v128.store64_lane is
// one that may trap. The loads and the plain store stay in the executor's switch.
const wat = `(module (memory (export "mem") 1)
  (func (export "mix") (param $p i32) (local $a v128) (local $b v128)
    (local.set $a (v128.load (i32.const 0)))
    (local.set $b (v128.load (i32.const 16)))
    (v128.store offset=32 (i32.const 0)
      (i16x8.narrow_i32x4_u
        (i8x16.avgr_u (i32x4.add (local.get $a) (local.get $b)) (local.get $b))
        (local.get $a)))
    (v128.store64_lane 1 (local.get $p) (i32x4.add (local.get $a) (local.get $b)))))`;

test("the ops of a run of SIMD instructions follow one another in the register code", () => {
  const code = disassemble(translateModule(validateModule(decodeModule(wat2wasm(wat))))[0].code);
  const ops = code.map((line) => line.split(" ")[1]);
  const add = ops.indexOf("i32x4_add");
  assert.deepEqual(ops.slice(add, add + 3), ["i32x4_add", "i8x16_avgr_u", "i16x8_narrow_i32x4_u"]);
  const store = ops.lastIndexOf("v128_store64_lane");
  assert.equal(ops[store - 1], "i32x4_add");
});

/** Runs `mix(p)` in a fresh runtime; the first 16 words of memory, or the trap's innermost frame. */
async function runMix(jsTier: boolean | number, p: number): Promise<number[] | string> {
  const runtime = new Runtime({ jsTier });
  const m = await runtime.instantiate(wat);
  const words = new Uint32Array(8);
  for (let i = 0; i < 8; i++) words[i] = (0x01020304 * (i + 1) + 0x8000_0000 * (i & 1)) >>> 0;
  m.exportedMemory("mem")!.write(0, new Uint8Array(words.buffer));
  const mix = m.exportedFunction("mix")!;
  try {
    for (let i = 0; i < 3; i++) mix.call(p); // a tier that compiles after a call or two gets it
    return [...new Uint32Array(m.exportedMemory("mem")!.read(0, 64)!.slice().buffer)];
  } catch (e) {
    assert.ok(e instanceof RuntimeError);
    assert.equal(e.message, "out of bounds memory access");
    return (e as RuntimeError & { wasmStack: string[] }).wasmStack[0];
  } finally {
    runtime.close();
  }
}

/** What `mix` stores at byte 32: the lanes computed one at a time from the words `runMix` writes. */
function expectedMix(): number[] {
  const words = new Uint32Array(8);
  for (let i = 0; i < 8; i++) words[i] = (0x01020304 * (i + 1) + 0x8000_0000 * (i & 1)) >>> 0;
  const a = new Int32Array(words.buffer, 0, 4), b = new Int32Array(words.buffer, 16, 4);
  const sum = Int32Array.from(a, (x, k) => x + b[k]);
  const [sumBytes, bBytes] = [
    new Uint8Array(sum.buffer),
    new Uint8Array(b.buffer, b.byteOffset, 16),
  ];
  const avg = new Int32Array(Uint8Array.from(sumBytes, (x, k) => (x + bBytes[k] + 1) >> 1).buffer);
  const clamp = (x: number) => x < 0 ? 0 : x > 0xffff ? 0xffff : x;
  const lanes = Uint16Array.from([...avg, ...a], clamp);
  return [...new Uint32Array(lanes.buffer)];
}

test("a run of SIMD ops computes what each tier computes", async () => {
  const interpreted = await runMix(false, 64);
  assert.ok(Array.isArray(interpreted));
  assert.deepEqual(interpreted.slice(8, 12), expectedMix());
  // The structured tier (compiled at the first call) too: its i8x16.avgr_u left words outside the
  // int32 range, which the narrowing after it saturated to 0 instead of 0xffff.
  assert.deepEqual(await runMix(1, 64), interpreted);
});

test("a memory access after other SIMD ops traps at its own offset", async () => {
  const bytes = wat2wasm(wat);
  // v128.store64_lane is 0xfd 0x5b: its byte offset in the module is what the trace names.
  let at = -1;
  for (let i = 0; i + 1 < bytes.length; i++) if (bytes[i] === 0xfd && bytes[i + 1] === 0x5b) at = i;
  assert.ok(at > 0);
  const frame = await runMix(false, 65536 - 4);
  assert.equal(frame, await runMix(1, 65536 - 4));
  assert.match(String(frame), new RegExp(`@0x${at.toString(16)}\\)$`));
});
