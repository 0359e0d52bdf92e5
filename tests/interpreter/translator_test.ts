import { test } from "node:test";
import assert from "node:assert/strict";
import { wat2wasm } from "../../lib/text/index.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { validateModule } from "../../lib/validate/module_validator.ts";
import { translateModule } from "../../lib/interpreter/translate/translator.ts";
import { disassemble } from "../../lib/interpreter/ops.ts";
import { Runtime } from "../../mod.ts";
import { useRegisterTierOnly } from "../../lib/runtime/runtime.ts";

/** Translates the first function of `(module FUNC)` and returns its disassembly. */
function registerCode(func: string): string[] {
  const module = decodeModule(wat2wasm(`(module ${func})`));
  return disassemble(translateModule(validateModule(module))[0].code);
}

/** A runtime that interprets, and one whose register-code tier compiles every function at once. */
function interpretedAndCompiled(): Runtime[] {
  return [new Runtime(), useRegisterTierOnly(new Runtime({ jsTier: 1 }))];
}

/** Asserts that `call` traps out of bounds with a trace naming the instruction at byte `offset`. */
function assertOutOfBoundsAt(call: () => unknown, offset: number, message?: string): void {
  assert.throws(
    call,
    (e: Error) =>
      /out of bounds memory access/.test(e.message) &&
      e.stack!.includes(`(wasm @0x${offset.toString(16)})`),
    message,
  );
}

/** Runs the first export of a one-function module. */
async function run(func: string, ...args: unknown[]): Promise<unknown[]> {
  const m = await new Runtime().instantiate(
    `(module ${func.replace("(func", '(func (export "f")')})`,
  );
  return m.exportedFunction("f")!.call(...args);
}

test("local.get becomes an operand and a constant becomes an immediate", () => {
  assert.deepEqual(
    registerCode(`(func (param i32) (result i32) local.get 0 i32.const 5 i32.add)`),
    [
      "0: i32_add_imm r1 r0 5",
      "4: return32 r1",
    ],
  );
});

test("local.set after a computation retargets the computation at the local", () => {
  assert.deepEqual(
    registerCode(
      `(func (param i32 i32) (result i32) (local i32)
        local.get 0 local.get 1 i32.mul local.set 2 local.get 2)`,
    ),
    ["0: i32_mul r2 r0 r1", "4: return32 r2"],
  );
});

test("a pending read of a local is saved before the local is overwritten", async () => {
  const func = `(func (param i32) (result i32)
    local.get 0 local.get 0 i32.const 1 i32.add local.set 0 local.get 0 i32.add)`;
  assert.deepEqual(registerCode(func), [
    "0: mov32 r1 r0", // the old value of local 0, still on the stack
    "3: i32_add_imm r0 r0 1", // local 0 + 1 was deferred, then written straight into local 0
    "7: i32_add r1 r1 r0",
    "11: return32 r1",
  ]);
  assert.deepEqual(await run(func, 10), [21]);
});

test("a comparison feeding br_if fuses into one compare-and-branch", async () => {
  const func = `(func (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.sub (local.get 1) (local.get 0)))
      (br_if $l (i32.lt_s (local.get 1) (i32.const 100))))
    (local.get 1))`;
  assert.deepEqual(registerCode(func), [
    "0: i32_sub r1 r1 r0",
    "4: br_i32_lt_s_imm r1 100 @0",
    "8: return32 r1",
    "10: return", // where a loop entry's call returns (CompiledFunction.loopExit)
  ]);
  assert.deepEqual(await run(func, -7), [105]);
});

test("a loop latch (add, then compare-and-branch on the sum) becomes one op", async () => {
  const latch = (add: string, compare: string) =>
    `(func (param i32 i32) (result i32) (local i32)
    (loop $l
      (local.set 2 (i32.add (local.get 2) ${add}))
      (br_if $l (${compare} (local.get 2) (local.get 1))))
    (local.get 2))`;
  assert.deepEqual(registerCode(latch("(i32.const 3)", "i32.lt_u")), [
    "0: i32_add_imm_br_lt_u r2 r2 3 r1 @0",
    "6: return32 r2",
    "8: return",
  ]);
  assert.deepEqual(registerCode(latch("(local.get 0)", "i32.ne")), [
    "0: i32_add_br_ne r2 r2 r0 r1 @0",
    "6: return32 r2",
    "8: return",
  ]);
  // Semantics: the sum is kept, unsigned compares see negative numbers as large, sums wrap.
  assert.deepEqual(await run(latch("(i32.const 3)", "i32.lt_u"), 0, 10), [12]);
  // 2^30 steps: 2^30, then 2^31 (negative, yet unsigned-below 0xc0000000), then 0xc0000000.
  assert.deepEqual(await run(latch("(local.get 0)", "i32.lt_u"), 0x40000000, -0x40000000), [
    -0x40000000,
  ]);
  assert.deepEqual(await run(latch("(local.get 0)", "i32.lt_s"), 0x40000000, -0x40000000), [
    0x40000000,
  ]);
  assert.deepEqual(await run(latch("(local.get 0)", "i32.ne"), -7, -21), [-21]);
  assert.deepEqual(await run(latch("(local.get 0)", "i32.ne"), 0x7fffffff, -2), [-2]); // wraps
  // A compare of something else than the sum is not a latch.
  const other = `(func (param i32 i32) (result i32) (local i32)
    (loop $l
      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
      (br_if $l (i32.ne (local.get 0) (i32.const 9))))
    (local.get 2))`;
  assert.ok(!registerCode(other).some((line) => line.includes("_br_")));
});

test("if/else results meet in one register; forward branches are patched", async () => {
  const func = `(func (param i32) (result i32)
    (if (result i32) (local.get 0) (then (i32.const 7)) (else (local.get 0))))`;
  assert.deepEqual(registerCode(func), [
    "0: br_unless r0 @8",
    "3: const32 r1 7",
    "6: br @11",
    "8: mov32 r1 r0",
    "11: return32 r1",
  ]);
  assert.deepEqual(await run(func, 0), [0]);
  assert.deepEqual(await run(func, 5), [7]);
});

test("br_table targets that need moves get their own stubs", async () => {
  const func = `(func (param i32) (result i32)
    (block $a (result i32)
      (i32.add (i32.const 1)
        (block $b (result i32) (br_table $a $b $a (i32.const 9) (local.get 0))))))`;
  const code = registerCode(func);
  assert.match(code[0], /^0: br_table r0 2 @\d+ @\d+ @\d+$/);
  assert.deepEqual(await run(func, 0), [9]); // $a: the value as is
  assert.deepEqual(await run(func, 1), [10]); // $b: then + 1
  assert.deepEqual(await run(func, 2), [9]); // default $a
  assert.deepEqual(await run(func, 100), [9]);
});

test("call arguments are placed contiguously and the result lands at their base", () => {
  assert.deepEqual(
    registerCode(`(func $f (param i32 i32) (result i32) (call $f (local.get 1) (i32.const 3)))`),
    ["0: mov32 r2 r1", "3: const32 r3 3", "6: call 0 r2", "9: return32 r2"],
  );
});

test("returning locals in swapped order copies them out before overwriting", async () => {
  const func = `(func (param i32 i32) (result i32 i32) local.get 1 local.get 0)`;
  // (Moves in a row go in pairs, each pair's in order.)
  assert.deepEqual(registerCode(func), [
    "0: mov32x2 r2 r1 r3 r0",
    "5: mov32x2 r0 r2 r1 r3",
    "10: return",
  ]);
  assert.deepEqual(await run(func, 1, 2), [2, 1]);
});

test("i64 values take one 8-byte slot; v128 values take two", () => {
  assert.deepEqual(
    registerCode(`(func (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))`),
    ["0: i64_add r2 r0 r1", "4: return64 r2"],
  );
  const module = decodeModule(
    wat2wasm(`(module (func (param v128 i32) (result i32) (local i64) local.get 1))`),
  );
  const f = translateModule(validateModule(module))[0];
  assert.equal(f.paramWords, 6); // v128 = 4 words, i32 = 2 words
  assert.equal(f.localsEnd, 8);
});

test("dead code after a branch is not translated", () => {
  assert.deepEqual(
    registerCode(`(func (result i32) (return (i32.const 1)) (i32.const 2) (i32.const 3) i32.add)`),
    ["0: const32 r0 1", "3: return"],
  );
});

test("i64 shifts and rotations by constants agree with BigInt for every count", async () => {
  const counts = [0, 1, 7, 31, 32, 33, 45, 63, 64, 65, 127, -1];
  const ops = ["shl", "shr_s", "shr_u", "rotl", "rotr"];
  const funcs = ops.flatMap((op) =>
    counts.map((n) =>
      `(func (export "${op}_${n}") (param i64) (result i64)
        (i64.${op} (local.get 0) (i64.const ${n})))`
    )
  ).join("\n");
  const m = await new Runtime().instantiate(`(module ${funcs})`);
  const mask = (1n << 64n) - 1n;
  const expected = (op: string, x: bigint, n: number): bigint => {
    const k = BigInt(n & 63);
    const u = x & mask;
    switch (op) {
      case "shl":
        return BigInt.asIntN(64, u << k);
      case "shr_s":
        return BigInt.asIntN(64, BigInt.asIntN(64, u) >> k);
      case "shr_u":
        return BigInt.asIntN(64, u >> k);
      case "rotl":
        return BigInt.asIntN(64, ((u << k) | (u >> ((64n - k) & 63n))) & mask);
      default:
        return BigInt.asIntN(64, ((u >> k) | (u << ((64n - k) & 63n))) & mask);
    }
  };
  for (const x of [0x8123456789abcdefn, 1n, -1n, 0x7fffffff00000001n]) {
    for (const op of ops) {
      for (const n of counts) {
        assert.deepEqual(
          m.exportedFunction(`${op}_${n}`)!.call(x),
          [expected(op, x, n)],
          `${op} ${x} by ${n}`,
        );
      }
    }
  }
  // The constant became an immediate: no i64 constant is written.
  assert.deepEqual(
    registerCode(`(func (param i64) (result i64) (i64.rotr (local.get 0) (i64.const 8)))`),
    ["0: i64_rotl_imm r1 r0 56", "4: return64 r1"],
  );
});

test("an i32.add of a constant feeding a load or store is folded into it, wrapping exactly", async () => {
  const func = `(func (param i32) (result i32)
    (i32.store (i32.add (local.get 0) (i32.const 16)) (i32.const 7))
    (i32.load offset=4 (i32.add (local.get 0) (i32.const 12))))`;
  assert.deepEqual(registerCode(`(memory 1) ${func}`), [
    "0: const32 r2 7",
    "3: store32_ai r0 r2 16 0",
    "8: load32_ai r1 r0 12 4",
    "13: return32 r1",
  ]);
  const m = await new Runtime().instantiate(`(module (memory 1)
    ${func.replace("(func", '(func (export "f")')}
    (func (export "load8") (param i32) (result i32) (i32.load8_u (i32.add (local.get 0) (i32.const 1))))
    (func (export "load64") (param i32) (result i64) (i64.load (i32.add (local.get 0) (i32.const 8))))
    (func (export "store8") (param i32) (i32.store8 (i32.add (local.get 0) (i32.const 2)) (i32.const 0x1ff)))
    (func (export "store64") (param i32) (i64.store (i32.add (local.get 0) (i32.const 24)) (i64.const -2))))`);
  assert.deepEqual(m.exportedFunction("f")!.call(100), [7]);
  // The sum wraps around 2^32 before the offset is added: -8 + 16 is address 8, in bounds.
  assert.deepEqual(m.exportedFunction("f")!.call(-8), [7]);
  assert.throws(() => m.exportedFunction("f")!.call(65530), /out of bounds memory access/);
  m.exportedFunction("store8")!.call(-2); // address 0
  assert.deepEqual(m.exportedFunction("load8")!.call(-1), [0xff]);
  m.exportedFunction("store64")!.call(-16); // address 8
  assert.deepEqual(m.exportedFunction("load64")!.call(0), [-2n]);
  assert.throws(() => m.exportedFunction("store64")!.call(65520), /out of bounds/);
});

test("register + register addresses fold into loads and stores; a constant value cannot clobber them", async () => {
  const m = await new Runtime().instantiate(`(module (memory 1)
    (func (export "sum") (param i32 i32) (result i32) (i32.load (i32.add (local.get 0) (local.get 1))))
    (func (export "put") (param i32 i32)
      (i32.store (i32.add (local.get 0) (i32.mul (local.get 1) (i32.const 4))) (i32.const 9)))
    (func (export "put8") (param i32 i32) (i32.store8 (i32.add (local.get 0) (local.get 1)) (local.get 1))))`);
  m.exportedFunction("put")!.call(8, 3); // address 8 + 12
  assert.deepEqual(m.exportedFunction("sum")!.call(10, 10), [9]);
  assert.deepEqual(m.exportedFunction("sum")!.call(-4, 24), [9]); // wraps to 20
  m.exportedFunction("put8")!.call(-2, 7); // address 5
  assert.equal(m.memory()!.readUint8(5), 7);
  assert.throws(() => m.exportedFunction("sum")!.call(65535, 1), /out of bounds/);
  assert.deepEqual(
    registerCode(`(memory 1) (func (param i32 i32) (result i32)
      (i32.load offset=4 (i32.add (local.get 0) (local.get 1))))`),
    ["0: load32_aa r2 r0 r1 4", "5: return32 r2"],
  );
});

test("a shift by a constant feeding an add of a constant becomes one instruction", async () => {
  const func = `(func (param i32) (result i32)
    (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const 1024)))`;
  assert.deepEqual(registerCode(func), ["0: i32_shl_add_imm r1 r0 2 1024", "5: return32 r1"]);
  const m = await new Runtime().instantiate(`(module
    ${func.replace("(func", '(func (export "f")')}
    (func (export "g") (param i32) (result i32)
      (i32.add (i32.const -5) (i32.shl (local.get 0) (i32.const 33)))))`);
  assert.deepEqual(m.exportedFunction("f")!.call(3), [1036]);
  assert.deepEqual(m.exportedFunction("f")!.call(0x40000000), [1024]); // the shift wraps
  assert.deepEqual(m.exportedFunction("f")!.call(0x7fffffff), [1020]); // and so does the sum
  assert.deepEqual(m.exportedFunction("g")!.call(7), [9]); // count 33 is 1 (mod 32)
});

test("an i32.load at a scaled index takes the shift and add in, wrapping exactly", async () => {
  const func = `(func (param i32) (result i32)
    (i32.load offset=4 (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const 16))))`;
  assert.deepEqual(registerCode(`(memory 1) ${func}`), [
    "0: load32_si r1 r0 2 16 4",
    "6: return32 r1",
  ]);
  const m = await new Runtime().instantiate(`(module (memory (export "mem") 1)
    (data (i32.const 20) "\\01\\00\\00\\00\\02\\00\\00\\00")
    ${func.replace("(func", '(func (export "f")')})`);
  const f = m.exportedFunction("f")!;
  assert.deepEqual(f.call(0), [1]);
  assert.deepEqual(f.call(1), [2]);
  // 0x40000000 << 2 wraps to 0, so the address is 16 + 4: element 0 again.
  assert.deepEqual(f.call(0x40000000), [1]);
  // -4 * 4 + 16 = 0, + offset 4: address 4 (zero); without the wrap it would be out of bounds.
  assert.deepEqual(f.call(-4), [0]);
  assert.throws(() => f.call(16380), /out of bounds memory access/); // 65536 + 4
});

test("f64.mul of a loaded value takes the load in (plain or with a folded add)", async () => {
  const funcs = `
    (func (export "plain") (param f64 i32) (result f64)
      (f64.mul (local.get 0) (f64.load offset=8 (local.get 1))))
    (func (export "added") (param f64 i32) (result f64)
      (f64.mul (local.get 0) (f64.load offset=8 (i32.add (local.get 1) (i32.const 16)))))`;
  const code = translateModule(
    validateModule(decodeModule(wat2wasm(`(module (memory 1) ${funcs})`))),
  )
    .map((f) => disassemble(f.code));
  assert.deepEqual(code[0], ["0: f64_mul_load r2 r0 r1 0 8", "6: return64 r2"]);
  assert.deepEqual(code[1], ["0: f64_mul_load r2 r0 r1 16 8", "6: return64 r2"]);
  const m = await new Runtime().instantiate(`(module (memory (export "mem") 1) ${funcs})`);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, 1.5, true);
  m.exportedMemory("mem")!.write(32, new Uint8Array(view.buffer));
  assert.deepEqual(m.exportedFunction("plain")!.call(3, 24), [4.5]);
  assert.deepEqual(m.exportedFunction("added")!.call(-2, 8), [-3]);
  assert.deepEqual(m.exportedFunction("added")!.call(2, -8), [0]); // -8 + 16 wraps to 8: zeros
  assert.throws(() => m.exportedFunction("added")!.call(1, 65512), /out of bounds memory access/);
});

test("a trap in a fused instruction names the offset of the wasm instruction that trapped", async () => {
  // Each load is fused with the add (or step) before it; the trap must still point at the load.
  const source = `(module (memory 1)
    (func (export "added") (param i32) (result i32)
      (i32.load offset=4 (i32.add (local.get 0) (i32.const 16))))
    (func (export "stepped") (param i32) (result i32)
      (i32.load offset=8 (local.tee 0 (i32.add (local.get 0) (i32.const 4))))))`;
  const bytes = wat2wasm(source);
  /** The byte offset of the `i32.load` with this offset immediate (align 2). */
  const loadAt = (offset: number) =>
    bytes.findIndex((x, i) => x === 0x28 && bytes[i + 1] === 2 && bytes[i + 2] === offset);
  const m = await new Runtime().instantiate(bytes);
  for (const [name, offset] of [["added", 4], ["stepped", 8]] as const) {
    const error = (() => {
      try {
        m.exportedFunction(name)!.call(65536);
      } catch (e) {
        return e as Error;
      }
      throw new Error("no trap");
    })();
    assert.match(error.message, /out of bounds memory access/);
    assert.match(error.stack!, new RegExp(`\\(wasm @0x${loadAt(offset).toString(16)}\\)`));
  }
});

test("a trap in a load fused into the instruction using its value names the load", async () => {
  // i32.add, f64.mul and i16x8.add take in the load before them; the load is what traps.
  const source = `(module (memory 1)
    (func (export "sum") (param i32) (result i32)
      (i32.add (local.get 0) (i32.load offset=12 (local.get 0))))
    (func (export "product") (param i32) (result f64)
      (f64.mul (f64.const 2) (f64.load offset=24 (local.get 0))))
    (func (export "rows") (param i32) (result v128)
      (i16x8.add (v128.const i64x2 0 0) (v128.load8x8_u offset=36 (local.get 0)))))`;
  const bytes = wat2wasm(source);
  // The byte offset of the load whose memarg is (align, offset).
  const loadAt = (opcode: number[], align: number, offset: number) =>
    bytes.findIndex((_, i) =>
      opcode.every((x, k) => bytes[i + k] === x) && bytes[i + opcode.length] === align &&
      bytes[i + opcode.length + 1] === offset
    );
  const m = await new Runtime().instantiate(bytes);
  const cases = [["sum", [0x28], 2, 12], ["product", [0x2b], 3, 24], [
    "rows",
    [0xfd, 0x02],
    3,
    36,
  ]] as const;
  for (const [name, opcode, align, offset] of cases) {
    const at = loadAt([...opcode], align, offset);
    assert.ok(at > 0);
    assertOutOfBoundsAt(() => m.exportedFunction(name)!.call(65530), at);
  }
});

test("memory grown by a callee or by a host function is visible to the caller after return", async () => {
  const runtime = new Runtime();
  let grow: () => void = () => {};
  await runtime.newHostModuleBuilder("env")
    .newFunctionBuilder()
    .withFunc(() => grow(), [], [])
    .export("grow")
    .instantiate();
  const m = await runtime.instantiate(`(module
    (import "env" "grow" (func $host_grow))
    (memory (export "mem") 1)
    (func $grow_in_wasm (drop (memory.grow (i32.const 1))))
    (func $grow_in_host (call $host_grow))
    (func (export "wasm") (result i32)
      (call $grow_in_wasm)
      (i32.store (i32.const 70000) (i32.const 7))
      (i32.load (i32.const 70000)))
    (func (export "host") (result i32)
      (call $grow_in_host)
      (i32.store (i32.const 140000) (i32.const 9))
      (i32.load (i32.const 140000))))`);
  const mem = m.exportedMemory("mem")!;
  grow = () => void mem.grow(1);
  assert.deepEqual(m.exportedFunction("wasm")!.call(), [7]);
  assert.deepEqual(m.exportedFunction("host")!.call(), [9]);
});

test("a counter stepped before a br_if on another value, and tee-then-set of a sum, are one op each", async () => {
  const countdown = `(func (param i32) (result i32) (local i32 i32)
    (loop $l
      (local.set 2 (i32.gt_u (local.get 0) (i32.const 3)))
      (local.set 1 (i32.add (local.get 1) (i32.const 5)))
      (local.set 0 (local.tee 3 (i32.add (local.get 0) (i32.const -2))))
      (local.set 0 (local.get 0))
      (br_if $l (local.get 2)))
    (i32.add (local.get 1) (i32.mul (local.get 3) (i32.const 1000))))`;
  const code = registerCode(countdown.replace("(local i32 i32)", "(local i32 i32 i32)"));
  assert.ok(code.some((line) => /i32_add_imm_mov r3 r0 -2 r0/.test(line)), code.join("\n"));
  // The step of local 1 is not right before the br_if here; move it there to get the fused form.
  const stepped = `(func (param i32) (result i32) (local i32 i32)
    (loop $l
      (local.set 2 (i32.gt_u (local.get 0) (i32.const 3)))
      (local.set 0 (i32.add (local.get 0) (i32.const -2)))
      (local.set 1 (i32.add (local.get 1) (i32.const 5)))
      (br_if $l (local.get 2)))
    (i32.add (local.get 1) (i32.mul (local.get 0) (i32.const 1000))))`;
  assert.ok(registerCode(stepped).some((line) => /i32_add_imm_br_if r1 r1 5 r2 @/.test(line)));
  // 10 → 8 → 6 → 4 → 2 (the test sees the value before each step): 5 steps of 5, local 0 ends at 0.
  assert.deepEqual(await run(stepped, 10), [25]);
  assert.deepEqual(await run(stepped, 3), [1005]);
  const teeSet = countdown.replace("(local i32 i32)", "(local i32 i32 i32)");
  assert.deepEqual(await run(teeSet, 10), [25]);
  assert.deepEqual(await run(teeSet, 3), [1005]);
});

test("stack[--sp]: an index step, then a scaled load at the new index, is one op", async () => {
  const func = `(func (param i32) (result i32)
    (i32.load offset=4 (i32.add (i32.shl (local.tee 0 (i32.add (local.get 0) (i32.const -1)))
      (i32.const 2)) (i32.const 16)))
    (i32.mul (local.get 0) (i32.const 1000))
    (i32.add))`;
  assert.deepEqual(registerCode(`(memory 1) ${func}`).slice(0, 1), [
    "0: i32_add_imm_load32_si r0 r0 -1 r1 2 16 4",
  ]);
  const m = await new Runtime().instantiate(`(module (memory 1)
    (data (i32.const 20) "\\07\\00\\00\\00\\09\\00\\00\\00")
    ${func.replace("(func", '(func (export "f")')})`);
  const f = m.exportedFunction("f")!;
  assert.deepEqual(f.call(1), [7]); // index 0: 0 * 4 + 16 + 4 = 20
  assert.deepEqual(f.call(2), [1009]); // index 1
  assert.deepEqual(f.call(0x40000001), [7 + 0x40000000 * 1000 | 0]); // (2^30 << 2) wraps to 0
  assert.throws(() => f.call(16381), /out of bounds memory access/);
});

test("adding, subtracting, or-ing, xor-ing, shifting or rotating by a constant 0 emits nothing", async () => {
  for (const op of ["add", "sub", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr"]) {
    const func = `(func (param i32) (result i32) (i32.${op} (local.get 0) (i32.const 0)))`;
    assert.deepEqual(registerCode(func), ["0: return32 r0"], op);
    assert.deepEqual(await run(func, -123456789), [-123456789], op);
  }
  // Not an identity: x * 0, x & 0, 0 - x.
  assert.deepEqual(
    await run(`(func (param i32) (result i32) (i32.mul (local.get 0) (i32.const 0)))`, 5),
    [0],
  );
  assert.deepEqual(
    await run(`(func (param i32) (result i32) (i32.and (local.get 0) (i32.const 0)))`, 5),
    [0],
  );
  assert.deepEqual(
    await run(`(func (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))`, 5),
    [-5],
  );
});

test("f64.mul of two values loaded one after the other is one op; either load can trap", async () => {
  const funcs = `
    (func (export "f") (param i32 i32) (result f64)
      (f64.mul (f64.load offset=8 (local.get 0))
        (f64.load (i32.add (local.get 1) (i32.const 16)))))
    (func (export "g") (param i32 i32) (result f64)
      (f64.mul (f64.load (i32.add (local.get 0) (i32.const 8))) (f64.load (local.get 1))))`;
  const code = translateModule(
    validateModule(decodeModule(wat2wasm(`(module (memory 1) ${funcs})`))),
  )
    .map((f) => disassemble(f.code));
  assert.deepEqual(code[0], ["0: f64_mul_load2 r2 r0 0 8 r1 16 0", "8: return64 r2"]);
  assert.deepEqual(code[1], ["0: f64_mul_load2 r2 r0 8 0 r1 0 0", "8: return64 r2"]);
  const m = await new Runtime().instantiate(`(module (memory (export "mem") 1) ${funcs})`);
  const values = new Float64Array([0, 1.5, -4, 2.25, 1e308]);
  m.exportedMemory("mem")!.write(0, new Uint8Array(values.buffer));
  const f = m.exportedFunction("f")!, g = m.exportedFunction("g")!;
  assert.deepEqual(f.call(0, 0), [1.5 * -4]); // mem[8] * mem[16]
  assert.deepEqual(f.call(8, 16), [-4 * 1e308]); // mem[16] * mem[32]
  assert.deepEqual(g.call(0, 32), [1.5 * 1e308]);
  assert.deepEqual(g.call(24, 32), [Infinity]);
  const oob = /out of bounds memory access/;
  assert.throws(() => f.call(65528, 0), oob); // the first load
  assert.throws(() => f.call(0, 65520), oob); // the second
});

test("a local plus a constant waits for the load or store that uses it as its address", async () => {
  // The store's value is computed after its address: the add still folds into the store.
  const func = `(func (param i32 i32) (result i32)
    (i32.store offset=8 (i32.add (local.get 0) (i32.const 4))
      (i32.mul (local.get 1) (local.get 1)))
    (i32.load offset=8 (i32.sub (local.get 0) (i32.const -4))))`;
  assert.deepEqual(registerCode(`(memory 1) ${func}`), [
    "0: i32_mul r3 r1 r1",
    "4: store32_ai r0 r3 4 8",
    "9: load32_ai r2 r0 4 8",
    "14: return32 r2",
  ]);
  assert.deepEqual(await run(`(memory 1) ${func}`, 100, 7), [49]);
  // A write to the local before the deferred sum is used: the sum is taken first.
  const overwritten = `(func (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 5))
    (local.set 0 (i32.const 1000))
    (local.get 0)
    (i32.add))`;
  assert.deepEqual(await run(overwritten, 1), [1006]);
  // A wrapped sum as a branch condition, a result and a call argument.
  const uses = `(func (param i32) (result i32)
    (block $b (br_if $b (i32.add (local.get 0) (i32.const 1))) (return (i32.const -7)))
    (i32.add (local.get 0) (i32.const 0x7fffffff)))`;
  assert.deepEqual(await run(uses, -1), [-7]); // -1 + 1 = 0: no branch
  assert.deepEqual(await run(uses, 2), [-2147483647]); // 2 + 0x7fffffff wraps
});

test("a loop latch comparing the bound against the sum (n != i) fuses too", async () => {
  const func = `(func (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 2)))
      (br_if $l (i32.ne (local.get 0) (local.get 1))))
    (local.get 1))`;
  assert.deepEqual(registerCode(func), [
    "0: i32_add_imm_br_ne r1 r1 2 r0 @0",
    "6: return32 r1",
    "8: return",
  ]);
  assert.deepEqual(await run(func, 10), [10]);
});

test("a br back to a loop that begins with an add does the add and jumps past it", async () => {
  const func = `(func (param i32) (result i32) (local i32)
    (block $out
      (loop $top
        (local.set 1 (i32.add (local.get 1) (i32.const 3)))
        (br_if $out (i32.ge_s (local.get 1) (local.get 0)))
        (br $top)))
    (local.get 1))`;
  assert.deepEqual(registerCode(func), [
    "0: i32_add_imm r1 r1 3",
    "4: br_i32_ge_s r1 r0 @13",
    "8: i32_add_imm_br r1 r1 3 @4",
    "13: return32 r1",
    "15: return",
  ]);
  assert.deepEqual(await run(func, 10), [12]);
  assert.deepEqual(await run(func, -5), [3]); // the loop head's own add runs on entry
});

test("br_table returning several values, one a local, returns it from every target (fuzz seed 10)", async () => {
  // Translating the first target's return once materialized the local in that stub only.
  const src = `(module (func (export "f") (param f32 i32) (result i64 f32)
    (i64.const 7) (local.get 0) (local.get 1) (br_table 0 0 0)))`;
  for (const jsTier of [false, 1] as const) {
    const f = (await new Runtime({ jsTier }).instantiate(src)).exportedFunction("f")!;
    // A different value per call: a stale register from the previous call cannot pass.
    for (const index of [0, 1, 2, 5]) {
      assert.deepEqual(f.call(index + 0.5, index), [7n, index + 0.5], `index ${index}`);
    }
  }
});

test("base + (i << k) with the base in a register is one op, and a load through it another", async () => {
  const sum = `(func (param i32 i32) (result i32)
    (i32.add (local.get 1) (i32.shl (local.get 0) (i32.const 3))))`;
  assert.deepEqual(registerCode(sum), ["0: i32_shl_add r2 r0 3 r1", "5: return32 r2"]);
  assert.deepEqual(await run(sum, 5, 100), [140]);
  assert.deepEqual(await run(sum, 0x20000001, 1), [9]); // the shift wraps
  // The shift on the left, the base a local read after it.
  const swapped = `(func (param i32 i32) (result i32)
    (i32.add (i32.shl (local.get 0) (i32.const 2)) (local.get 1)))`;
  assert.deepEqual(registerCode(swapped), ["0: i32_shl_add r2 r0 2 r1", "5: return32 r2"]);
  assert.deepEqual(await run(swapped, 5, 100), [120]);
});

test("a load through base + (i << k) takes the sum in, whether a temporary or kept in a local", async () => {
  const data = `(memory 1) (data (i32.const 104) "\\07\\00\\00\\00\\09\\00\\00\\00\\0b")`;
  // A temporary address: the sum goes into the load's own register.
  const temp = `(func (param i32 i32) (result i32)
    (i32.load offset=4 (i32.add (local.get 1) (i32.shl (local.get 0) (i32.const 2)))))`;
  assert.deepEqual(registerCode(`${data} ${temp}`), [
    "0: i32_shl_add_load32 r2 r0 2 r1 r2 4",
    "7: return32 r2",
  ]);
  // p = base + (i << 2), then p's field: the local keeps the sum.
  const kept = `(func (param i32 i32) (result i32) (local i32)
    (local.set 2 (i32.add (local.get 1) (i32.shl (local.get 0) (i32.const 2))))
    (i32.add (i32.load offset=4 (local.get 2)) (i32.mul (local.get 2) (i32.const 1000))))`;
  assert.deepEqual(registerCode(`${data} ${kept}`).slice(0, 1), [
    "0: i32_shl_add_load32 r2 r0 2 r1 r3 4",
  ]);
  const runtimes = interpretedAndCompiled();
  for (const [func, runtime] of runtimes.flatMap((r) => [[temp, r], [kept, r]] as const)) {
    const m = await runtime.instantiate(
      `(module ${data} ${func.replace("(func", '(func (export "f")')})`,
    );
    const f = m.exportedFunction("f")!;
    const extra = func === kept ? 1000 : 0;
    assert.deepEqual(f.call(0, 100), [7 + 100 * extra]);
    assert.deepEqual(f.call(1, 100), [9 + 104 * extra]);
    // The address wraps around 2^32 before the offset is added: 0x40000000 << 2 is 0.
    assert.deepEqual(f.call(0x40000000, 100), [7 + 100 * extra]);
    assert.throws(() => f.call(16383, 100), /out of bounds memory access/);
    assert.throws(() => f.call(0, -4), /out of bounds memory access/); // 2^32 - 4 + 4
  }
});

test("storing a sum just computed by an add of a constant is one op, the sum still written", async () => {
  // A counter in memory: x->n += 1 (the address a local plus a constant).
  const counter = `(func (param i32) (result i32)
    (i32.store offset=4 (i32.add (local.get 0) (i32.const 8))
      (i32.add (i32.load offset=4 (i32.add (local.get 0) (i32.const 8))) (i32.const 3)))
    (i32.load (i32.add (local.get 0) (i32.const 12))))`;
  assert.ok(
    registerCode(`(memory 1) ${counter}`).some((l) =>
      /i32_add_imm_store32 r\d+ r\d+ 3 r0 8 4$/.test(l)
    ),
  );
  // n += 1 kept in a local and stored, then read back from the local.
  const kept = `(func (param i32 i32) (result i32)
    (i32.store (local.get 0) (local.tee 1 (i32.add (local.get 1) (i32.const 1))))
    (i32.add (i32.load (local.get 0)) (i32.mul (local.get 1) (i32.const 1000))))`;
  assert.deepEqual(registerCode(`(memory 1) ${kept}`).slice(0, 1), [
    "0: i32_add_imm_store32 r1 r1 1 r0 0 0",
  ]);
  const runtimes = interpretedAndCompiled();
  for (const runtime of runtimes) {
    const m = await runtime.instantiate(`(module (memory 1)
      ${counter.replace("(func", '(func (export "counter")')}
      ${kept.replace("(func", '(func (export "kept")')})`);
    const f = m.exportedFunction("counter")!, g = m.exportedFunction("kept")!;
    assert.deepEqual(f.call(100), [3]);
    assert.deepEqual(f.call(100), [6]);
    assert.deepEqual(g.call(200, 41), [42 + 42000]);
    assert.deepEqual(g.call(200, -1), [0]);
    // (2^32 - 8) + 8 wraps to 0 before the offset: the counter at 0 + 4 + 8 = 12 is x->n.
    assert.deepEqual(f.call(-8), [3]);
    assert.throws(() => f.call(65530), /out of bounds memory access/);
    assert.throws(() => g.call(65533, 0), /out of bounds memory access/);
  }
});

test("a load whose value a compare with a constant branches on is one op, the value still written", async () => {
  const data = `(memory 1) (global $seen (mut i32) (i32.const 0))
    (data (i32.const 0) "\\03\\00\\00\\00\\05\\00\\00\\00\\03\\00\\00\\00\\00")`;
  // Count the words equal to 3 up to the first 0: a loop over x = *p with br_if and if.
  const count = `(func (param i32) (result i32) (local i32 i32)
    (block $done (loop $next
      (local.set 1 (i32.load (local.get 0)))
      (br_if $done (i32.eqz (local.get 1)))
      (if (i32.eq (i32.load (local.get 0)) (i32.const 3))
        (then (local.set 2 (i32.add (local.get 2) (i32.const 1)))))
      (local.set 0 (i32.add (local.get 0) (i32.const 4)))
      (global.set $seen (local.get 0)) ;; code between the step and the load: no step-and-load
      (br_if $next (i32.ne (i32.load (local.get 0)) (i32.const 99)))))
    (i32.add (local.get 2) (i32.mul (local.get 1) (i32.const 1000))))`;
  const code = registerCode(`${data} ${count}`);
  assert.equal(code.filter((l) => /load32_br_(eq|ne)_imm/.test(l)).length, 3, code.join("\n"));
  assert.ok(code.some((l) => /load32_br_ne_imm r\d+ r0 0 99 @0$/.test(l)), code.join("\n")); // the loop's
  const runtimes = interpretedAndCompiled();
  for (const runtime of runtimes) {
    const bytes = wat2wasm(`(module ${data} ${count.replace("(func", '(func (export "f")')})`);
    const f = (await runtime.instantiate(bytes)).exportedFunction("f")!;
    assert.deepEqual(f.call(0), [2]); // 3, 5, 3, then 0: two threes, and local 1 ends at 0
    assert.deepEqual(f.call(4), [1]);
    // Past the end of memory: the load traps, and the trace names the load.
    const loadAt = bytes.findIndex((x, i) =>
      x === 0x28 && bytes[i + 1] === 2 && bytes[i + 2] === 0
    );
    assertOutOfBoundsAt(() => f.call(65534), loadAt);
  }
});

test("a byte load that a br_if or an if tests, or compares with a constant, is one op", async () => {
  // strlen, and a count of the bytes equal to 'a' (97), over "abca\0".
  const data = `(memory 1) (data (i32.const 16) "abca\\00")`;
  const strlen = `(func (param i32) (result i32) (local i32)
    (local.set 1 (local.get 0))
    (block $end (loop $next
      (br_if $end (i32.eqz (i32.load8_u (local.get 1))))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br $next)))
    (i32.sub (local.get 1) (local.get 0)))`;
  const countA = `(func (param i32) (result i32) (local i32)
    (block $end (loop $next
      (if (i32.load8_u (local.get 0))
        (then (if (i32.eq (i32.load8_u (local.get 0)) (i32.const 97))
          (then (local.set 1 (i32.add (local.get 1) (i32.const 1))))))
        (else (br $end)))
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (br_if $next (i32.load8_u offset=0 (i32.const 8)))))
    (local.get 1))`;
  const ops = [...registerCode(`${data} ${strlen}`), ...registerCode(`${data} ${countA}`)]
    .filter((l) => /load8_u_br_(eq|ne)_imm/.test(l));
  // strlen's test; countA's if, its inner if, and its loop's br_if (backward).
  assert.equal(ops.length, 4, ops.join("\n"));
  assert.ok(ops.some((l) => /load8_u_br_ne_imm r\d+ r\d+ 0 0 @3$/.test(l)), ops.join("\n"));
  const runtimes = interpretedAndCompiled();
  for (const runtime of runtimes) {
    const m = await runtime.instantiate(`(module ${data} (data (i32.const 8) "\\01")
      ${strlen.replace("(func", '(func (export "strlen")')}
      ${countA.replace("(func", '(func (export "countA")')})`);
    assert.deepEqual(m.exportedFunction("strlen")!.call(16), [4]);
    assert.deepEqual(m.exportedFunction("strlen")!.call(18), [2]);
    assert.deepEqual(m.exportedFunction("countA")!.call(16), [2]);
    assert.deepEqual(m.exportedFunction("countA")!.call(17), [1]);
    assert.throws(() => m.exportedFunction("strlen")!.call(65536), /out of bounds memory access/);
  }
});

test("constants and moves in a row go in pairs, in order; (a - b) >> k is one op", async () => {
  // Arguments: two constants, then two moves; and a chain of moves, the second reading what the
  // first wrote (so the pair must run in order).
  const source = `(module
    (func $f (param i32 i32 i32 i32) (result i32)
      (i32.add (i32.add (i32.mul (local.get 0) (i32.const 1000)) (i32.mul (local.get 1) (i32.const 100)))
        (i32.add (i32.mul (local.get 2) (i32.const 10)) (local.get 3))))
    (func (export "g") (param i32 i32) (result i32) (local i32)
      (call $f (i32.const 1) (i32.const 2) (local.get 0) (local.get 1)))
    (func (export "chain") (param i32) (result i32) (local i32 i32)
      (local.set 1 (local.get 0))
      (local.set 2 (local.get 1))
      (i32.add (local.get 2) (i32.const 1)))
    (func (export "count") (param i32 i32) (result i32)
      (i32.shr_s (i32.sub (local.get 1) (local.get 0)) (i32.const 2))))`;
  const bytes = wat2wasm(source);
  const code = translateModule(validateModule(decodeModule(bytes))).map((cf) =>
    disassemble(cf.code)
  );
  assert.ok(code[1].some((l) => /const32x2 r\d+ 1 r\d+ 2/.test(l)), code[1].join("\n"));
  assert.ok(code[1].some((l) => /mov32x2 r\d+ r0 r\d+ r1/.test(l)), code[1].join("\n"));
  assert.ok(code[3].some((l) => /i32_sub_shr_s_imm r2 r1 r0 2/.test(l)), code[3].join("\n"));
  assert.equal(code[2][0], "0: mov32x2 r1 r0 r2 r1");
  const runtimes = interpretedAndCompiled();
  for (const runtime of runtimes) {
    const m = await runtime.instantiate(bytes);
    assert.deepEqual(m.exportedFunction("g")!.call(3, 4), [1234]);
    assert.deepEqual(m.exportedFunction("chain")!.call(41), [42]);
    assert.deepEqual(m.exportedFunction("count")!.call(100, 140), [10]);
    assert.deepEqual(m.exportedFunction("count")!.call(140, 100), [-10]); // signed
    assert.deepEqual(m.exportedFunction("count")!.call(0, -0x80000000), [-0x20000000]);
  }
});

test("a flag test (x & mask compared with a constant) that a branch takes is one op", async () => {
  const func = `(func (param i32) (result i32) (local i32)
    (block $none (br_if $none (i32.eqz (i32.and (local.get 0) (i32.const 6))))
      (local.set 1 (i32.const 10)))
    (if (i32.and (local.get 0) (i32.const 1)) (then (local.set 1 (i32.add (local.get 1) (i32.const 1)))))
    (block $not4 (br_if $not4 (i32.ne (i32.and (local.get 0) (i32.const 12)) (i32.const 4)))
      (local.set 1 (i32.add (local.get 1) (i32.const 100))))
    (local.get 1))`;
  const code = registerCode(func);
  assert.equal(code.filter((l) => /i32_and_imm_br_(eq|ne)_imm/.test(l)).length, 3, code.join("\n"));
  const runtimes = interpretedAndCompiled();
  for (const runtime of runtimes) {
    const f = (await runtime.instantiate(`(module ${func.replace("(func", '(func (export "f")')})`))
      .exportedFunction("f")!;
    assert.deepEqual(f.call(0), [0]);
    assert.deepEqual(f.call(1), [1]);
    assert.deepEqual(f.call(2), [10]);
    assert.deepEqual(f.call(5), [111]);
    assert.deepEqual(f.call(12), [10]);
  }
});

test("two loads in a row are one op, in order, and a trap names the load that trapped", async () => {
  const source = `(module (memory 1)
    (data (i32.const 0) "\\08\\00\\00\\00\\05\\00\\00\\00\\07\\00\\00\\00")
    (data (i32.const 12) "\\04\\00\\00\\00\\fc\\ff\\00\\00\\00\\00\\00\\00\\4d")
    (func (export "sum") (param i32 i32) (result i32)
      (i32.add (i32.load offset=4 (local.get 0)) (i32.load offset=8 (local.get 1))))
    (func (export "chase") (param i32) (result i32)
      (i32.load offset=20 (i32.load offset=12 (local.get 0)))))`;
  const bytes = wat2wasm(source);
  const code = translateModule(validateModule(decodeModule(bytes))).map((cf) =>
    disassemble(cf.code)
  );
  assert.match(code[0][0], /^0: load32x2 r2 r0 4 r3 r1 8$/);
  assert.match(code[1][0], /^0: load32x2 r1 r0 12 r1 r1 20$/); // the second reads the first's result
  /** The byte offset of the `i32.load` with this offset immediate. */
  const loadAt = (offset: number) =>
    bytes.findIndex((x, i) => x === 0x28 && bytes[i + 1] === 2 && bytes[i + 2] === offset);
  const runtimes = interpretedAndCompiled();
  for (const runtime of runtimes) {
    const m = await runtime.instantiate(bytes);
    const sum = m.exportedFunction("sum")!, chase = m.exportedFunction("chase")!;
    assert.deepEqual(sum.call(0, 0), [5 + 7]);
    assert.deepEqual(sum.call(4, 0), [7 + 7]);
    assert.deepEqual(chase.call(0), [77]); // *(0 + 12) is 4, then *(4 + 20)
    // Each load traps in turn: the first, then the second (sum's and chase's).
    const cases = [
      [sum, [65532, 0], 4],
      [sum, [0, 65530], 8],
      [chase, [65530], 12],
      [chase, [4], 20], // *(4 + 12) is 65532: the second load's address is past the end
    ] as const;
    for (const [f, args, offset] of cases) {
      assertOutOfBoundsAt(
        () => f.call(...args),
        loadAt(offset),
        `(${args}) names the load with offset ${offset}`,
      );
    }
  }
});
