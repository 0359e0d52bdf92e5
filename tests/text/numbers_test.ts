import { test } from "node:test";
import assert from "node:assert/strict";
import {
  parseF32,
  parseF64,
  parseI32,
  parseI64,
  parseIntBits,
  parseU32,
} from "../../lib/text/numbers.ts";

test("i32 literals accept -2^31..2^32-1 in decimal and hex", () => {
  assert.equal(parseI32("0"), 0);
  assert.equal(parseI32("4294967295"), -1);
  assert.equal(parseI32("0xffff_ffff"), -1);
  assert.equal(parseI32("-2147483648"), -2147483648);
  assert.equal(parseI32("-0x8000_0000"), -2147483648);
  assert.equal(parseI32("+2147483647"), 2147483647);
  assert.equal(parseI32("1_000_000"), 1000000);
  assert.equal(parseI32("4294967296"), null);
  assert.equal(parseI32("0x1_0000_0000"), null);
  assert.equal(parseI32("-2147483649"), null);
  // A sign limits the magnitude to the signed range.
  assert.equal(parseI32("+2147483648"), null);
});

test("integer literals reject misplaced underscores and junk", () => {
  for (const bad of ["_1", "1_", "1__0", "0x_1", "0x", "1x", "", "-", "0x1g", "1.0", "nan"]) {
    assert.equal(parseI32(bad), null, bad);
  }
});

test("i64 literals cover the full 64-bit range", () => {
  assert.equal(parseI64("18446744073709551615"), -1n);
  assert.equal(parseI64("0xffffffffffffffff"), -1n);
  assert.equal(parseI64("-9223372036854775808"), -9223372036854775808n);
  assert.equal(parseI64("9223372036854775807"), 9223372036854775807n);
  assert.equal(parseI64("18446744073709551616"), null);
  assert.equal(parseI64("-9223372036854775809"), null);
  assert.equal(parseI64("0x1_0000_0000_0000_0000"), null);
});

test("small-width lanes and u32", () => {
  assert.equal(parseIntBits("-128", 8), 128n);
  assert.equal(parseIntBits("255", 8), 255n);
  assert.equal(parseIntBits("256", 8), null);
  assert.equal(parseIntBits("-129", 8), null);
  assert.equal(parseIntBits("-1", 16), 0xffffn);
  assert.equal(parseU32("4294967295"), 4294967295);
  assert.equal(parseU32("4294967296"), null);
  assert.equal(parseU32("-1"), null);
  assert.equal(parseU32("+1"), null);
});

test("f32 decimal literals round once, to nearest even", () => {
  assert.equal(parseF32("0.1"), 0x3dcccccd);
  assert.equal(parseF32("1"), 0x3f800000);
  assert.equal(parseF32("-0"), 0x80000000);
  assert.equal(parseF32("1e-46"), 0);
  // Exactly halfway between 1+2^-23 and 1+2^-22: ties to the even one.
  assert.equal(parseF32("1.000000178813934326171875"), 0x3f800002);
  assert.equal(parseF32("1.000000178813934326171874"), 0x3f800001);
  // Just above the halfway point between 1 and 1+2^-23. Rounding to f64 first
  // gives exactly the halfway point, which would then wrongly round to 1.
  assert.equal(parseF32("1.000000059604644775390626"), 0x3f800001);
  assert.equal(parseF32("1.000000059604644775390625"), 0x3f800000);
  assert.equal(parseF32("3.4028235677973366e38"), 0x7f7fffff);
  assert.equal(parseF32("1e39"), null, "overflow is out of range");
  assert.equal(parseF32("1_000.5e0_1"), parseF32("10005"));
});

test("f32 hex literals, subnormals and the overflow boundary", () => {
  assert.equal(parseF32("0x1.fffffep+127"), 0x7f7fffff);
  assert.equal(parseF32("0x1.fffffefffffffffp127"), 0x7f7fffff);
  // Halfway between the largest float and 2^128 rounds up to infinity: rejected.
  assert.equal(parseF32("0x1.ffffffp127"), null);
  assert.equal(parseF32("0x1p128"), null);
  assert.equal(parseF32("0x1p-149"), 1);
  assert.equal(parseF32("0x1p-150"), 0, "tie rounds to even (zero)");
  assert.equal(parseF32("0x1.000002p-150"), 1, "above the tie rounds up");
  assert.equal(parseF32("0x1.8p-149"), 2, "tie between 1 and 2 ulps rounds to even");
  assert.equal(parseF32("0x1p-126"), 0x00800000);
  assert.equal(parseF32("-0x1.8p1"), 0xc0400000);
  assert.equal(parseF32("0x1P+1000000000000"), null);
  assert.equal(parseF32("0x1p-1000000000000"), 0);
});

test("f64 literals", () => {
  assert.equal(parseF64("0.1"), 0x3fb999999999999an);
  assert.equal(parseF64("2.2250738585072012e-308"), 0x0010000000000000n);
  assert.equal(parseF64("0x1p-1074"), 1n);
  assert.equal(parseF64("0x1.fffffffffffffp+1023"), 0x7fefffffffffffffn);
  assert.equal(parseF64("0x1.fffffffffffff8p-1023"), 0x0010000000000000n);
  assert.equal(parseF64("1e309"), null);
  assert.equal(parseF64("1e-400"), 0n);
  assert.equal(parseF64("-1.5"), 0xbff8000000000000n);
  assert.equal(parseF64("1."), 0x3ff0000000000000n);
  assert.equal(parseF64("1.e1"), 0x4024000000000000n);
  assert.equal(parseF64(".5"), null);
  assert.equal(parseF64("1e"), null);
  assert.equal(parseF64("0x.8"), null);
});

test("inf, nan and nan payloads", () => {
  assert.equal(parseF32("inf"), 0x7f800000);
  assert.equal(parseF32("-inf"), 0xff800000);
  assert.equal(parseF32("nan"), 0x7fc00000);
  assert.equal(parseF32("-nan"), 0xffc00000);
  assert.equal(parseF32("+nan:0x1"), 0x7f800001);
  assert.equal(parseF32("nan:0x7f_ffff"), 0x7fffffff);
  assert.equal(parseF32("nan:0x0"), null);
  assert.equal(parseF32("nan:0x800000"), null);
  assert.equal(parseF32("nan:1"), null);
  assert.equal(parseF64("nan"), 0x7ff8000000000000n);
  assert.equal(parseF64("-nan:0xfffffffffffff"), 0xffffffffffffffffn);
  assert.equal(parseF64("nan:0x10000000000000"), null);
  assert.equal(parseF64("infinity"), null);
});
