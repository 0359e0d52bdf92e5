import { test } from "node:test";
import {
  assertInvalid,
  assertValid,
  code,
  F32,
  funcModule,
  I32,
  I64,
  type ModuleBuilder,
  V128,
} from "./builder.ts";

const ZERO16 = new Array(16).fill(0);
const vconst = () => code("v128.const", ...ZERO16);
const withMemory = (b: ModuleBuilder) => b.memory(1);

test("v128 arithmetic and tests type-check", () => {
  assertValid(funcModule([], [V128], [...vconst(), ...vconst(), ...code("i32x4.add")]));
  assertValid(funcModule([], [I32], [...vconst(), ...code("v128.any_true")]));
  assertValid(funcModule([], [V128], [...vconst(), ...code("i32.const", 3, "i8x16.shl")]));
  assertValid(
    funcModule([], [V128], [...vconst(), ...vconst(), ...vconst(), ...code("v128.bitselect")]),
  );
  assertValid(funcModule([], [V128], code("i64.const", 1, "i64x2.splat")));
  assertInvalid(
    funcModule([], [V128], [...vconst(), ...code("i32.const", 3, "i32x4.add")]),
    "type mismatch",
  );
  assertInvalid(
    funcModule([], [V128], [...vconst(), ...vconst(), ...code("i8x16.shl")]),
    "type mismatch",
  );
  assertInvalid(funcModule([], [V128], code("i32.const", 1, "i64x2.splat")), "type mismatch");
});

test("extract_lane and replace_lane: lane index below the lane count", () => {
  assertValid(funcModule([], [I32], [...vconst(), ...code("i8x16.extract_lane_s", 15)]));
  assertValid(funcModule([], [I64], [...vconst(), ...code("i64x2.extract_lane", 1)]));
  assertValid(
    funcModule([], [V128], [
      ...vconst(),
      ...code("f32.const", 0, 0, 0, 0, "f32x4.replace_lane", 3),
    ]),
  );
  assertInvalid(
    funcModule([], [I32], [...vconst(), ...code("i8x16.extract_lane_s", 16)]),
    "invalid lane index",
  );
  assertInvalid(
    funcModule([], [I64], [...vconst(), ...code("i64x2.extract_lane", 2)]),
    "invalid lane index",
  );
  assertInvalid(
    funcModule([], [V128], [
      ...vconst(),
      ...code("f32.const", 0, 0, 0, 0, "f32x4.replace_lane", 4),
    ]),
    "invalid lane index",
  );
  assertInvalid(
    funcModule([], [I32], code("i32.const", 0, "i32x4.extract_lane", 0)),
    "type mismatch",
  );
  assertInvalid(
    funcModule([], [F32], [...vconst(), ...code("i32x4.extract_lane", 0)]),
    "type mismatch",
  );
});

test("i8x16.shuffle: every lane index below 32", () => {
  const lanes = Array.from({ length: 16 }, (_, i) => i * 2);
  assertValid(
    funcModule([], [V128], [...vconst(), ...vconst(), ...code("i8x16.shuffle", ...lanes)]),
  );
  lanes[7] = 32;
  assertInvalid(
    funcModule([], [V128], [...vconst(), ...vconst(), ...code("i8x16.shuffle", ...lanes)]),
    "invalid lane index",
  );
});

test("v128 loads and stores: memory, alignment", () => {
  assertValid(funcModule([], [V128], code("i32.const", 0, "v128.load", 4, 0), withMemory));
  assertValid(funcModule([], [V128], code("i32.const", 0, "v128.load32_splat", 2, 0), withMemory));
  assertValid(funcModule([], [V128], code("i32.const", 0, "v128.load64_zero", 3, 0), withMemory));
  assertValid(
    funcModule(
      [],
      [],
      [...code("i32.const", 0), ...vconst(), ...code("v128.store", 4, 0)],
      withMemory,
    ),
  );
  assertInvalid(
    funcModule([], [V128], code("i32.const", 0, "v128.load", 4, 0)),
    "unknown memory 0",
  );
  assertInvalid(
    funcModule([], [V128], code("i32.const", 0, "v128.load", 5, 0), withMemory),
    "alignment must not be larger than natural",
  );
  assertInvalid(
    funcModule([], [V128], code("i32.const", 0, "v128.load8x8_s", 4, 0), withMemory),
    "alignment must not be larger than natural",
  );
});

test("v128 lane loads and stores: memory, alignment and lane index", () => {
  const load = (align: number, lane: number) =>
    funcModule([], [V128], [
      ...code("i32.const", 0),
      ...vconst(),
      ...code("v128.load16_lane", align, 0, lane),
    ], withMemory);
  const store = (align: number, lane: number) =>
    funcModule([], [], [
      ...code("i32.const", 0),
      ...vconst(),
      ...code("v128.store64_lane", align, 0, lane),
    ], withMemory);
  assertValid(load(1, 7));
  assertValid(store(3, 1));
  assertInvalid(load(2, 0), "alignment must not be larger than natural");
  assertInvalid(load(1, 8), "invalid lane index");
  assertInvalid(store(3, 2), "invalid lane index");
  assertInvalid(
    funcModule([], [V128], [
      ...code("i32.const", 0),
      ...vconst(),
      ...code("v128.load8_lane", 0, 0, 0),
    ]),
    "unknown memory 0",
  );
});

test("untyped select works on vectors", () => {
  assertValid(
    funcModule([], [V128], [...vconst(), ...vconst(), ...code("i32.const", 0, "select")]),
  );
  assertInvalid(
    funcModule([], [V128], [...vconst(), ...code("i32.const", 0, "i32.const", 0, "select")]),
    "type mismatch",
  );
});
