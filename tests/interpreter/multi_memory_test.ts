// Multiple memories: loads, stores, bulk operations and growth on memories other than 0, in the
// interpreter and both JavaScript tiers; memory 0's code stays on its own ops.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CompileError, Runtime } from "../../mod.ts";
import { useRegisterTierOnly } from "../../lib/runtime/runtime.ts";
import { wat2wasm } from "../../lib/text/index.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { validateModule } from "../../lib/validate/module_validator.ts";
import { translateModule } from "../../lib/interpreter/translate/translator.ts";
import { disassemble } from "../../lib/interpreter/ops.ts";

const TWO_MEMORIES = `(module
  (memory $a (export "a") 1)
  (memory $b (export "b") 1 3)
  (data (memory $b) (i32.const 8) "\\01\\02\\03\\04\\05\\06\\07\\08")
  (func (export "load_a") (param i32) (result i32) (i32.load $a (local.get 0)))
  (func (export "load_b") (param i32) (result i32) (i32.load $b offset=4 (local.get 0)))
  (func (export "load_b_i64") (param i32) (result i64) (i64.load 1 (local.get 0)))
  (func (export "load8_s_b") (param i32) (result i32) (i32.load8_s $b (local.get 0)))
  (func (export "store_b") (param i32 i32) (i32.store $b offset=2 (local.get 0) (local.get 1)))
  (func (export "store_b_f64") (param i32 f64) (f64.store $b (local.get 0) (local.get 1)))
  (func (export "load_b_f64") (param i32) (result f64) (f64.load $b (local.get 0)))
  (func (export "copy_b_to_a") (param i32 i32 i32)
    (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_a_to_b") (param i32 i32 i32)
    (memory.copy $b $a (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill_b") (param i32 i32 i32)
    (memory.fill $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "size_b") (result i32) (memory.size $b))
  (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
  (func (export "sum_b") (param i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load8_u $b (local.get 0))))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get $s))
  (func (export "v128_b") (param i32) (result i64)
    (i64x2.extract_lane 1 (v128.load $b (local.get 0))))
  (func (export "lane_b") (param i32) (result i32)
    (i8x16.extract_lane_u 15 (v128.load8_lane $b 15 (local.get 0) (v128.const i64x2 0 0)))))`;

/** The interpreter, the register-code tier, and the structured tier (which declines memory 1). */
const TIERS: [string, () => Runtime][] = [
  ["interpreter", () => new Runtime({ jsTier: false })],
  ["register-code tier", () => useRegisterTierOnly(new Runtime({ jsTier: 1 }))],
  ["structured tier", () => new Runtime({ jsTier: 1 })],
];

for (const [tier, make] of TIERS) {
  test(`two memories: loads, stores, copies and growth (${tier})`, async () => {
    const m = await make().instantiate(TWO_MEMORIES);
    const call = (name: string, ...args: unknown[]) => m.exportedFunction(name)!.call(...args)[0];
    const a = m.exportedMemory("a")!, b = m.exportedMemory("b")!;
    assert.equal(call("load_b", 4), 0x0403_0201); // bytes 8..11 of memory b (offset 4)
    assert.equal(call("load_a", 8), 0); // memory a has no data
    assert.equal(call("load_b_i64", 8), 0x0807_0605_0403_0201n);
    call("store_b", 100, -2);
    assert.equal(b.readInt32(102), -2);
    assert.equal(a.readInt32(102), 0);
    assert.equal(call("load8_s_b", 102), -2);
    call("store_b_f64", 200, -0.5);
    assert.equal(call("load_b_f64", 200), -0.5);
    call("copy_b_to_a", 16, 8, 8);
    assert.deepEqual([...a.read(16, 8)!], [1, 2, 3, 4, 5, 6, 7, 8]);
    a.write(0, new Uint8Array([9, 9]));
    call("copy_a_to_b", 300, 0, 2);
    assert.deepEqual([...b.read(300, 2)!], [9, 9]);
    call("fill_b", 400, 0x1ff, 3);
    assert.deepEqual([...b.read(399, 5)!], [0, 0xff, 0xff, 0xff, 0]);
    assert.equal(call("sum_b", 10), 0x1 + 0x2 + 0x3); // bytes 10, 9, 8: 3, 2, 1
    assert.equal(call("v128_b", 0), 0x0807_0605_0403_0201n); // bytes 8..15 are the high lane
    assert.equal(call("lane_b", 15), 8);

    // Bounds are memory b's own, at its own size.
    const oob = /out of bounds memory access/;
    assert.throws(() => call("load_b", 65532), oob); // 65532 + 4 + 4 > 65536
    assert.throws(() => call("store_b", 65534, 0), oob);
    assert.throws(() => call("copy_b_to_a", 0, 65535, 2), oob);
    assert.throws(() => call("fill_b", 65536, 0, 1), oob);
    assert.throws(() => call("v128_b", 65521), oob);
    assert.equal(call("load_b", 65528), 0);

    assert.equal(call("size_b"), 1);
    assert.equal(call("grow_b", 1), 1);
    assert.equal(call("grow_b", 2), -1); // past its maximum of 3
    assert.equal(call("size_b"), 2);
    assert.equal(b.pages, 2);
    assert.equal(a.pages, 1);
    call("store_b", 70000, 7); // in bounds after the growth
    assert.equal(b.readInt32(70002), 7);
  });
}

test("memory 0's instructions keep their own ops in a module with two memories", () => {
  const code = translateModule(validateModule(decodeModule(wat2wasm(TWO_MEMORIES))))
    .map((f) => disassemble(f.code).join("\n"));
  assert.match(code[0], /load32 /);
  assert.doesNotMatch(code[0], /memx/);
  assert.match(code[1], /memx_load/);
  assert.match(code[4], /memx_store/);
});

test("the same memory imported twice: growth through one index is seen through the other", async () => {
  const rt = new Runtime({ jsTier: false });
  await rt.instantiate(`(module (memory (export "m") 1))`, { name: "host" });
  const m = await rt.instantiate(`(module
    (import "host" "m" (memory $x 1))
    (import "host" "m" (memory $y 1))
    (func (export "grow_y") (result i32) (memory.grow $y (i32.const 1)))
    (func (export "load_x") (param i32) (result i32) (i32.load $x (local.get 0)))
    (func (export "store_y") (param i32 i32) (i32.store $y (local.get 0) (local.get 1))))`);
  const call = (name: string, ...args: unknown[]) => m.exportedFunction(name)!.call(...args)[0];
  assert.equal(call("grow_y"), 1);
  call("store_y", 70000, 42);
  assert.equal(call("load_x", 70000), 42); // memory 0's view was refreshed by the growth
});

test("the API reaches every memory: by index, by export name, and their count", async () => {
  const m = await new Runtime().instantiate(TWO_MEMORIES);
  assert.equal(m.memoryCount, 2);
  assert.equal(m.memory()!.definition.exportNames[0], "a");
  assert.equal(m.memory(1)!.definition.exportNames[0], "b");
  assert.equal(m.memory("b"), m.memory(1));
  assert.equal(m.memory("b"), m.exportedMemory("b"));
  assert.equal(m.memory(2), undefined);
  assert.equal(m.memory("nope"), undefined);
  assert.equal(m.memory(1)!.readUint8(8), 1);
  assert.equal(m.memory(1)!.address64, false);
});

test("multiple memories are a feature: rejected under 2.0 or with multiMemory off", async () => {
  const twoMemories = `(module (memory 1) (memory 1))`;
  const indexed = `(module (memory 1) (func (drop (i32.load 0 offset=1 (i32.const 0)))))`;
  const dataInMemory1 = `(module (memory 1) (memory 1) (data (memory 1) (i32.const 0) "x"))`;
  for (const features of ["2.0" as const, { multiMemory: false }]) {
    const rt = new Runtime({ features });
    for (const source of [twoMemories, dataInMemory1]) {
      await assert.rejects(rt.compileModule(source), (e: unknown) => {
        assert.ok(e instanceof CompileError);
        assert.match(e.message, /multiple memories \(feature multiMemory\) is not enabled/);
        return true;
      });
    }
    // `i32.load 0` names memory 0 with the 2.0 encoding: still valid.
    await rt.compileModule(indexed);
  }
  // An explicit memory index (memarg flag bit 6) needs the feature, even for memory 0.
  const patched = new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // type () -> ()
    ...[0x03, 0x02, 0x01, 0x00], // one function
    ...[0x05, 0x03, 0x01, 0x00, 0x01], // memory 1
    // (drop (i32.load (i32.const 0))) with flags 0x42: alignment 2, memory index 0 follows.
    ...[0x0a, 0x0b, 0x01, 0x09, 0x00, 0x41, 0x00, 0x28, 0x42, 0x00, 0x00, 0x1a, 0x0b],
  ]);
  await new Runtime().compileModule(patched);
  await assert.rejects(
    new Runtime({ features: "2.0" }).compileModule(patched),
    /multiple memories \(feature multiMemory\)/,
  );
  await new Runtime().compileModule(twoMemories);
});
