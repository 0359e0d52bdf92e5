/**
 * Interpreter warm-up: runs a small generated module that executes nearly
 * every kind of register instruction once, before the first real call.
 *
 * Why: a JIT optimises the executor's big `switch` using what it has seen so
 * far. Cases that never ran are compiled as exits back to slower code; when
 * a later program runs them, the JIT throws the optimised code away and,
 * after a few such rounds, waits longer and longer before optimising again.
 * JavaScriptCore (Bun) then ran a string workload 6× slower after six other
 * programs than alone. Seeing every case once up front avoids that.
 *
 * @module
 */

import { Imm, OPS, PREFIX_FD } from "../binary/opcodes.ts";
import { wat2wasm } from "../text/index.ts";
import { CHECK_INTERVAL } from "../interpreter/execute/executor.ts";

const ARG: Record<string, string> = {
  i32: "(local.get $i)",
  i64: "(local.get $l)",
  f32: "(local.get $f)",
  f64: "(local.get $d)",
};
const CONST: Record<string, string> = {
  i32: "(i32.const 3)",
  i64: "(i64.const 3)",
  f32: "(f32.const 1.5)",
  f64: "(f64.const 1.5)",
};
/** The host module the warm-up module imports a function from (a call into JS). */
export const WARM_UP_HOST_MODULE = "wazero-ts:warm-up";

const NAMES: Record<number, string> = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64" };

/** Loops ending in each add-then-compare-and-branch form (three iterations each). */
function loopLatches(): string[] {
  const out = ["(local.set $one (i32.const 1))", "(local.set $three (i32.const 3))"];
  for (const step of ["(i32.const 1)", "(local.get $one)"]) {
    for (const bound of ["(i32.const 3)", "(local.get $three)"]) {
      for (const compare of ["ne", "lt_s", "lt_u"]) {
        out.push(
          "(local.set $k (i32.const 0))",
          `(loop $latch (local.set $k (i32.add (local.get $k) ${step}))` +
            ` (br_if $latch (i32.${compare} (local.get $k) ${bound})))`,
        );
      }
    }
  }
  // A counter stepped just before a branch on another register; a local.tee then local.set.
  out.push(
    "(local.set $k (i32.const 0))",
    "(loop $step (local.set $k (i32.add (local.get $k) (i32.const 1)))" +
      " (br_if $step (i32.lt_u (local.get $k) (i32.const 3))))",
    "(local.set $k (i32.const 3))",
    "(loop $count (local.set $one (i32.lt_u (local.get $k) (i32.const 3)))" +
      " (local.set $k (i32.add (local.get $k) (i32.const -1)))" +
      " (br_if $count (local.get $one)))",
    "(local.set $one (local.tee $k (i32.add (local.get $i) (i32.const 1))))",
    // `br_if` on a value no fusion takes (most programs' commonest branch), forward and back.
    "(block $b (br_if $b (local.get $j)))",
    "(local.set $k (i32.const 2))",
    "(loop $halve (local.set $k (i32.shr_u (local.get $k) (i32.const 1))) (br_if $halve (local.get $k)))",
    // A loop that begins with an add, jumped back to by `br`.
    "(local.set $k (i32.const 0))",
    "(block $out (loop $top (local.set $k (i32.add (local.get $k) (i32.const 1)))" +
      " (br_if $out (i32.ge_u (local.get $k) (i32.const 3))) (br $top)))",
  );
  return out;
}

/** SIMD: every instruction with an op of its own, and one of each generic op. */
function simdWarmUp(): string[] {
  const v = "(local.get $v)";
  const set = (e: string) => `(local.set $v ${e})`;
  const out = [
    set("(v128.const i32x4 1 2 3 4)"),
    set(`(select ${v} (v128.const i32x4 5 6 7 8) (local.get $j))`),
    set(`(if (result v128) (local.get $j) (then ${v}) (else (i32x4.splat (local.get $i))))`),
    set("(v128.load (i32.const 16))"),
    set("(v128.load offset=4 (i32.add (local.get $i) (i32.const 4)))"),
    set("(v128.load8x8_s (i32.add (local.get $i) (i32.const 4)))"),
    set("(v128.load8x8_u (i32.const 8))"),
    `(v128.store (i32.const 16) ${v})`,
    `(v128.store (i32.add (local.get $i) (i32.const 4)) ${v})`,
    set("(i32x4.splat (local.get $i))"),
    `(drop (i32x4.extract_lane 1 ${v}))`,
    set(`(i32x4.replace_lane 2 ${v} (local.get $j))`),
    set(`(i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 ${v} ${v})`),
    set(`(v128.bitselect ${v} ${v} ${v})`),
    set(`(v128.load32_zero (i32.const 8))`),
    set(`(v128.load8_lane 1 (i32.const 8) ${v})`),
    `(v128.store16_lane 1 (i32.const 8) ${v})`,
    `(v128.store32_lane 1 (i32.const 8) ${v})`,
    `(v128.store64_lane 1 (i32.const 8) ${v})`,
    set(`(i16x8.add ${v} (v128.load8x8_s (i32.const 8)))`),
    set(`(f32x4.mul ${v} (v128.load offset=4 (i32.add (local.get $i) (i32.const 4))))`),
    set(`(i16x8.add ${v} (v128.load8x8_u (i32.add (local.get $i) (i32.const 4))))`),
    set(
      `(i16x8.add (i16x8.add ${v} (v128.load8x8_u (local.get $i))) (v128.load8x8_u offset=1 (local.get $i)))`,
    ),
    `(v128.store64_lane 1 (i32.add (local.get $i) (i32.const 4)) ${v})`,
    set(`(i32x4.mul (i32x4.extend_low_i16x8_u ${v}) ${v})`),
    set(`(i32x4.mul (i32x4.extend_high_i16x8_u ${v}) ${v})`),
    set(`(i32x4.shr_u (i32x4.mul (i32x4.extend_low_i16x8_u ${v}) ${v}) (local.get $i))`),
    set(`(i32x4.shr_u (i32x4.mul (i32x4.extend_high_i16x8_u ${v}) ${v}) (local.get $i))`),
    set(`(i8x16.lt_u ${v} ${v})`),
    set(`(i8x16.gt_u ${v} ${v})`),
    set(`(i8x16.abs ${v})`),
    set(`(i8x16.min_u ${v} ${v})`),
    set(`(f32x4.sqrt ${v})`),
    set(`(f32x4.min ${v} ${v})`),
  ];
  for (const name of ["v128.and", "v128.or", "v128.xor", "v128.andnot"]) {
    out.push(set(`(${name} ${v} ${v})`));
  }
  for (const shape of ["i8x16", "i16x8", "i32x4"]) {
    for (const op of ["add", "sub"]) out.push(set(`(${shape}.${op} ${v} ${v})`));
  }
  for (const shape of ["i16x8", "i32x4"]) {
    out.push(set(`(${shape}.mul ${v} ${v})`));
    for (const op of ["shl", "shr_s", "shr_u"]) {
      out.push(set(`(${shape}.${op} ${v} (local.get $i))`));
    }
  }
  for (const [to, from] of [["i32x4", "i16x8"], ["i16x8", "i8x16"]]) {
    for (const half of ["low", "high"]) {
      for (const sign of ["s", "u"]) out.push(set(`(${to}.extend_${half}_${from}_${sign} ${v})`));
    }
  }
  for (const shape of ["i8x16", "i16x8"]) {
    for (const op of ["add_sat_s", "add_sat_u", "sub_sat_s", "sub_sat_u", "avgr_u"]) {
      out.push(set(`(${shape}.${op} ${v} ${v})`));
    }
    out.push(`(drop (${shape}.bitmask ${v}))`);
  }
  out.push(
    set(`(i8x16.eq ${v} ${v})`),
    set(`(i8x16.ne ${v} ${v})`),
    set(`(i32x4.dot_i16x8_s ${v} ${v})`),
    `(drop (i32x4.bitmask ${v}))`,
    `(drop (v128.any_true ${v}))`,
  );
  for (const [to, from] of [["i16x8", "i8x16"], ["i32x4", "i16x8"]]) {
    for (const sign of ["s", "u"]) {
      out.push(set(`(${to}.extadd_pairwise_${from}_${sign} ${v})`));
      out.push(set(`(${from}.narrow_${to}_${sign} ${v} ${v})`));
    }
  }
  for (const shape of ["f32x4", "f64x2"]) {
    for (const op of ["add", "sub", "mul", "div"]) out.push(set(`(${shape}.${op} ${v} ${v})`));
  }
  return out;
}

/** Builds the warm-up module's text: one expression per scalar instruction and branch form. */
export function warmUpSource(): string {
  const body: string[] = [];
  for (const info of OPS) {
    if (info === undefined || info.params === null || info.id >= PREFIX_FD) continue;
    if (info.imm !== Imm.none && info.imm !== Imm.memArg) continue;
    const params = info.params.map((t) => NAMES[t]);
    if (params.some((p) => p === undefined)) continue;
    if (info.name.includes("load")) {
      body.push(`(drop (${info.name} (i32.const 8)))`);
    } else if (info.name.includes("store")) {
      body.push(`(${info.name} (i32.const 16) ${ARG[params[1]]})`);
    } else if (info.name.startsWith("memory.")) {
      continue;
    } else if (info.results!.length === 1) {
      body.push(`(drop (${info.name} ${params.map((p) => ARG[p]).join(" ")}))`);
      if (params.length === 2) {
        // The immediate form, and a constant left operand.
        body.push(`(drop (${info.name} ${ARG[params[0]]} ${CONST[params[1]]}))`);
        body.push(`(drop (${info.name} ${CONST[params[0]]} ${ARG[params[1]]}))`);
      }
      if (/^i32\.(eqz|eq|ne|[lg][te]_[su])$/.test(info.name)) {
        // Comparisons fused with branches, both polarities, both operand forms.
        // $i against $j (below, equal and above across the calls), not against itself.
        const args = params.length === 2 && params[1] === "i32"
          ? `${ARG[params[0]]} (local.get $j)`
          : params.map((p) => ARG[p]).join(" ");
        const withConst = params.length === 2 ? `${ARG[params[0]]} ${CONST[params[1]]}` : args;
        for (const a of [args, withConst]) {
          body.push(`(block $b (br_if $b (${info.name} ${a})))`);
          body.push(`(if (${info.name} ${a}) (then (global.set $g (local.get $j))))`);
        }
      }
    }
  }
  for (const t of ["i32", "i64", "f32", "f64"]) {
    body.push(`(drop (select ${ARG[t]} ${CONST[t]} (local.get $j)))`);
  }
  body.push(
    "(global.set $g (i32.add (global.get $g) (local.get $i)))",
    "(global.set $g64 (global.get $g64))",
    "(drop (i32.load (i32.add (local.get $i) (i32.const 4))))",
    "(drop (i64.load (i32.add (local.get $i) (i32.const 4))))",
    "(drop (i32.load8_u (i32.add (local.get $i) (i32.const 4))))",
    "(i32.store (i32.add (local.get $i) (i32.const 4)) (local.get $j))",
    "(i64.store (i32.add (local.get $i) (i32.const 4)) (local.get $l))",
    "(i32.store8 (i32.add (local.get $i) (i32.const 4)) (local.get $j))",
    "(drop (i32.load (i32.add (local.get $i) (local.get $j))))",
    "(drop (i64.load (i32.add (local.get $i) (local.get $j))))",
    "(drop (i32.load8_u (i32.add (local.get $i) (local.get $j))))",
    "(i32.store (i32.add (local.get $i) (local.get $j)) (local.get $j))",
    "(i64.store (i32.add (local.get $i) (local.get $j)) (local.get $l))",
    "(i32.store8 (i32.add (local.get $i) (local.get $j)) (local.get $j))",
    "(drop (i32.add (i32.shl (local.get $i) (i32.const 2)) (i32.const 4)))",
    "(drop (i32.load offset=4 (i32.add (i32.shl (local.get $i) (i32.const 2)) (i32.const 4))))",
    "(drop (i32.load (i32.add (i32.shl (local.tee $k (i32.add (local.get $i) (i32.const -1)))" +
      " (i32.const 2)) (i32.const 8))))",
    "(drop (i32.load (local.tee $k (i32.add (local.get $i) (i32.const 4)))))",
    "(drop (i32.add (local.get $j) (i32.shl (local.get $i) (i32.const 2))))",
    "(drop (i32.load (i32.add (local.get $j) (i32.shl (local.get $i) (i32.const 2)))))",
    "(local.set $k (i32.add (local.get $j) (i32.shl (local.get $i) (i32.const 2))))",
    "(drop (i32.load offset=4 (local.get $k)))",
    "(i32.store offset=4 (local.get $i) (i32.add (i32.load offset=4 (local.get $i)) (i32.const 1)))",
    "(i32.store (local.get $i) (local.tee $k (i32.add (local.get $k) (i32.const 1))))",
    "(block $b (br_if $b (i32.eq (i32.load (local.get $i)) (i32.const 3))))",
    "(local.set $k (i32.load offset=4 (local.get $i)))",
    "(block $b (br_if $b (i32.ne (local.get $k) (i32.const 3))))",
    "(if (i32.eqz (i32.load (local.get $i))) (then (global.set $g (local.get $j))))",
    "(if (i32.ne (i32.load (local.get $i)) (i32.const 3)) (then (global.set $g (local.get $j))))",
    "(block $b (br_if $b (i32.load8_u (local.get $i))))",
    "(if (i32.load8_u offset=1 (local.get $i)) (then (global.set $g (local.get $j))))",
    "(block $b (br_if $b (i32.eq (i32.load8_u (local.get $i)) (i32.const 3))))",
    // Loads compared and branched on, taken in some calls and not in others (the data segment
    // at 200 holds bytes 1 0 1 0 0 0 and words 3 0 3 0 0 0 at 208, read at $j = 2, 1, 5, 0).
    "(block $b (br_if $b (i32.load8_u offset=200 (local.get $j))))",
    "(block $b (br_if $b (i32.eq (i32.load8_u offset=200 (local.get $j)) (i32.const 1))))",
    "(local.set $k (i32.shl (local.get $j) (i32.const 2)))",
    "(block $b (br_if $b (i32.eq (i32.load offset=208 (local.get $k)) (i32.const 3))))",
    "(block $b (br_if $b (i32.ne (i32.load offset=208 (local.get $k)) (i32.const 3))))",
    // Unsigned division of a dividend of 2^31 and more (a double once unsigned in JavaScript).
    "(local.set $k (i32.const -7))",
    "(drop (i32.div_u (local.get $k) (local.get $i)))",
    "(drop (i32.rem_u (local.get $k) (local.get $i)))",
    "(drop (i32.div_u (local.get $k) (i32.const 3)))",
    "(drop (i32.rem_u (local.get $k) (i32.const 3)))",
    "(block $b (br_if $b (i32.and (local.get $i) (i32.const 1))))",
    "(block $b (br_if $b (i32.eqz (i32.and (local.get $i) (i32.const 1)))))",
    "(if (i32.eqz (i32.and (local.get $j) (i32.const 2))) (then (global.set $g (local.get $i))))",
    "(drop (i32.shr_s (i32.sub (local.get $i) (local.get $j)) (i32.const 2)))",
    "(local.set $k (local.get $i)) (local.set $one (local.get $j))",
    "(local.set $k (i32.const 5)) (local.set $one (i32.const 1))",
    "(drop (i32.add (i32.load (local.get $i)) (i32.load offset=4 (local.get $j))))",
    "(drop (i32.load8_u (local.tee $k (i32.add (local.get $i) (i32.const 4)))))",
    "(drop (f64.mul (local.get $d) (f64.load (local.get $i))))",
    "(drop (i32.add (local.get $j) (i32.load8_u (local.get $i))))",
    "(drop (i32.add (local.get $j) (i32.load (i32.add (local.get $i) (i32.const 4)))))",
    "(drop (f64.mul (f64.load (local.get $i)) (f64.load offset=8 (i32.add (local.get $i) (i32.const 8)))))",
    "(drop (f64.mul (local.get $d) (f64.load offset=8 (i32.add (local.get $i) (i32.const 8)))))",
    "(drop (call $leaf (local.get $i)))",
    "(drop (call $host (local.get $i)))",
    "(drop (call $leaf (i32.add (local.get $i) (i32.const 1))))",
    "(drop (call $leaf (i32.const 7)))",
    "(drop (call_indirect (type $t) (local.get $i) (i32.const 1)))",
    // i64 shifts and rotations by constants of 32 and more (the other half of their code).
    "(drop (i64.shl (local.get $l) (i64.const 40)))",
    "(drop (i64.shr_s (local.get $l) (i64.const 40)))",
    "(drop (i64.shr_u (local.get $l) (i64.const 40)))",
    "(drop (i64.rotl (local.get $l) (i64.const 40)))",
    "(drop (i64.rotr (local.get $l) (i64.const 40)))",
    "(drop (call $leaf64 (local.get $l)))",
    "(call $nothing)",
    "(drop (if (result i32) (local.get $j) (then (i32.const 1)) (else (local.get $i))))",
    "(drop (if (result i64) (local.get $j) (then (local.get $l)) (else (i64.const 5))))",
    "(drop (if (result f64) (i32.eqz (local.get $j)) (then (local.get $d)) (else (f64.const 5))))",
    "(if (local.get $j) (then (global.set $g (local.get $i))) (else (nop)))",
    "(drop (call_indirect (type $t) (local.get $i) (i32.and (local.get $j) (i32.const 1))))",
    "(block $a (block $b (br_table $a $b (local.get $j))))",
    "(memory.fill (i32.const 0) (local.get $i) (i32.const 4))",
    "(memory.copy (i32.const 4) (i32.const 0) (i32.const 4))",
    "(drop (memory.size))",
    "(drop (memory.grow (i32.const 0)))",
    ...simdWarmUp(),
    ...loopLatches(),
    // Long enough, in one of the calls, to spend the interruption-check budget (backward
    // branches) once: each iteration costs the calls' most at first, while `run` is unoptimised.
    "(local.set $k (local.get $spin))",
    "(loop $loop (br_if $loop (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))",
  );
  return `(module
    (import "${WARM_UP_HOST_MODULE}" "host" (func $host (param i32) (result i32)))
    (memory 1)
    (data (i32.const 200) "\\01\\00\\01\\00\\00\\00\\00\\00\\03\\00\\00\\00\\00\\00\\00\\00\\03")
    (type $t (func (param i32) (result i32)))
    (global $g (mut i32) (i32.const 1))
    (global $g64 (mut i64) (i64.const 1))
    (table 2 funcref)
    (elem (i32.const 0) $leaf $leaf)
    (func $leaf (param i32) (result i32) (local i32) (local.tee 1 (local.get 0)))
    (func $leaf64 (param i64) (result i64) (local.get 0))
    (func $nothing)
    (func (export "run") (param $i i32) (param $j i32) (param $l i64) (param $f f32) (param $d f64)
      (param $spin i32) (result i32) (local $k i32) (local $v v128) (local $one i32) (local $three i32)
      ${body.join("\n      ")}
      (local.get $i)))`;
}

/**
 * `warmUpSource()` encoded, as hex: embedded so that the first call does not
 * pay for parsing text (a test checks it matches; `warmUpHex()` prints it).
 */
const WARM_UP_HEX =
  "0061736d0100000001180460017f017f60017e017e60000060067f7f7e7d7c7f017f021a011177617a65726f2d" +
  "74733a7761726d2d757004686f73740000030504000102030404017000020503010001060b027f0141010b7e01" +
  "42010b0707010372756e00040908010041000b0201010ac923040801017f200022010b040020000b02000bb523" +
  "03017f017b027f41082802001a41082903001a41082a02001a41082b03001a41082c00001a41082d00001a4108" +
  "2e01001a41082f01001a41083000001a41083100001a41083201001a41083301001a41083402001a4108350200" +
  "1a41102000360200411020023703004110200338020041102004390300411020003a0000411020003b01004110" +
  "20023c0000411020023d0100411020023e02002000451a02402000450d000b2000450440200124000b02402000" +
  "450d000b2000450440200124000b20002000461a20004103461a41032000461a024020002001460d000b200020" +
  "01460440200124000b024020004103460d000b20004103460440200124000b20002000471a20004103471a4103" +
  "2000471a024020002001470d000b20002001470440200124000b024020004103470d000b200041034704402001" +
  "24000b20002000481a20004103481a41032000481a024020002001480d000b20002001480440200124000b0240" +
  "20004103480d000b20004103480440200124000b20002000491a20004103491a41032000491a02402000200149" +
  "0d000b20002001490440200124000b024020004103490d000b20004103490440200124000b200020004a1a2000" +
  "41034a1a410320004a1a0240200020014a0d000b200020014a0440200124000b0240200041034a0d000b200041" +
  "034a0440200124000b200020004b1a200041034b1a410320004b1a0240200020014b0d000b200020014b044020" +
  "0124000b0240200041034b0d000b200041034b0440200124000b200020004c1a200041034c1a410320004c1a02" +
  "40200020014c0d000b200020014c0440200124000b0240200041034c0d000b200041034c0440200124000b2000" +
  "20004d1a200041034d1a410320004d1a0240200020014d0d000b200020014d0440200124000b0240200041034d" +
  "0d000b200041034d0440200124000b200020004e1a200041034e1a410320004e1a0240200020014e0d000b2000" +
  "20014e0440200124000b0240200041034e0d000b200041034e0440200124000b200020004f1a200041034f1a41" +
  "0320004f1a0240200020014f0d000b200020014f0440200124000b0240200041034f0d000b200041034f044020" +
  "0124000b2002501a20022002511a20024203511a42032002511a20022002521a20024203521a42032002521a20" +
  "022002531a20024203531a42032002531a20022002541a20024203541a42032002541a20022002551a20024203" +
  "551a42032002551a20022002561a20024203561a42032002561a20022002571a20024203571a42032002571a20" +
  "022002581a20024203581a42032002581a20022002591a20024203591a42032002591a200220025a1a20024203" +
  "5a1a420320025a1a200320035b1a2003430000c03f5b1a430000c03f20035b1a200320035c1a2003430000c03f" +
  "5c1a430000c03f20035c1a200320035d1a2003430000c03f5d1a430000c03f20035d1a200320035e1a20034300" +
  "00c03f5e1a430000c03f20035e1a200320035f1a2003430000c03f5f1a430000c03f20035f1a20032003601a20" +
  "03430000c03f601a430000c03f2003601a20042004611a200444000000000000f83f611a44000000000000f83f" +
  "2004611a20042004621a200444000000000000f83f621a44000000000000f83f2004621a20042004631a200444" +
  "000000000000f83f631a44000000000000f83f2004631a20042004641a200444000000000000f83f641a440000" +
  "00000000f83f2004641a20042004651a200444000000000000f83f651a44000000000000f83f2004651a200420" +
  "04661a200444000000000000f83f661a44000000000000f83f2004661a2000671a2000681a2000691a20002000" +
  "6a1a200041036a1a410320006a1a200020006b1a200041036b1a410320006b1a200020006c1a200041036c1a41" +
  "0320006c1a200020006d1a200041036d1a410320006d1a200020006e1a200041036e1a410320006e1a20002000" +
  "6f1a200041036f1a410320006f1a20002000701a20004103701a41032000701a20002000711a20004103711a41" +
  "032000711a20002000721a20004103721a41032000721a20002000731a20004103731a41032000731a20002000" +
  "741a20004103741a41032000741a20002000751a20004103751a41032000751a20002000761a20004103761a41" +
  "032000761a20002000771a20004103771a41032000771a20002000781a20004103781a41032000781a2002791a" +
  "20027a1a20027b1a200220027c1a200242037c1a420320027c1a200220027d1a200242037d1a420320027d1a20" +
  "0220027e1a200242037e1a420320027e1a200220027f1a200242037f1a420320027f1a20022002801a20024203" +
  "801a42032002801a20022002811a20024203811a42032002811a20022002821a20024203821a42032002821a20" +
  "022002831a20024203831a42032002831a20022002841a20024203841a42032002841a20022002851a20024203" +
  "851a42032002851a20022002861a20024203861a42032002861a20022002871a20024203871a42032002871a20" +
  "022002881a20024203881a42032002881a20022002891a20024203891a42032002891a200220028a1a20024203" +
  "8a1a420320028a1a20038b1a20038c1a20038d1a20038e1a20038f1a2003901a2003911a20032003921a200343" +
  "0000c03f921a430000c03f2003921a20032003931a2003430000c03f931a430000c03f2003931a20032003941a" +
  "2003430000c03f941a430000c03f2003941a20032003951a2003430000c03f951a430000c03f2003951a200320" +
  "03961a2003430000c03f961a430000c03f2003961a20032003971a2003430000c03f971a430000c03f2003971a" +
  "20032003981a2003430000c03f981a430000c03f2003981a2004991a20049a1a20049b1a20049c1a20049d1a20" +
  "049e1a20049f1a20042004a01a200444000000000000f83fa01a44000000000000f83f2004a01a20042004a11a" +
  "200444000000000000f83fa11a44000000000000f83f2004a11a20042004a21a200444000000000000f83fa21a" +
  "44000000000000f83f2004a21a20042004a31a200444000000000000f83fa31a44000000000000f83f2004a31a" +
  "20042004a41a200444000000000000f83fa41a44000000000000f83f2004a41a20042004a51a20044400000000" +
  "0000f83fa51a44000000000000f83f2004a51a20042004a61a200444000000000000f83fa61a44000000000000" +
  "f83f2004a61a2002a71a2003a81a2003a91a2004aa1a2004ab1a2000ac1a2000ad1a2003ae1a2003af1a2004b0" +
  "1a2004b11a2000b21a2000b31a2002b41a2002b51a2004b61a2000b71a2000b81a2002b91a2002ba1a2003bb1a" +
  "2003bc1a2004bd1a2000be1a2002bf1a2000c01a2000c11a2002c21a2002c31a2002c41a2003fc001a2003fc01" +
  "1a2004fc021a2004fc031a2003fc041a2003fc051a2004fc061a2004fc071a2000410320011b1a200242032001" +
  "1b1a2003430000c03f20011b1a200444000000000000f83f20011b1a230020006a240023012401200041046a28" +
  "02001a200041046a2903001a200041046a2d00001a200041046a2001360200200041046a200237030020004104" +
  "6a20013a0000200020016a2802001a200020016a2903001a200020016a2d00001a200020016a20013602002000" +
  "20016a2002370300200020016a20013a0000200041027441046a1a200041027441046a2802041a2000417f6a22" +
  "0641027441086a2802001a200041046a22062802001a200120004102746a1a200120004102746a2802001a2001" +
  "20004102746a210620062802041a2000200028020441016a3602042000200641016a2206360200024020002802" +
  "004103460d000b20002802042106024020064103470d000b2000280200450440200124000b2000280200410347" +
  "0440200124000b024020002d00000d000b20002d00010440200124000b024020002d00004103460d000b024020" +
  "012d00c8010d000b024020012d00c8014101460d000b20014102742106024020062802d0014103460d000b0240" +
  "20062802d0014103470d000b41792106200620006e1a20062000701a200641036e1a20064103701a0240200041" +
  "01710d000b02402000410171450d000b2001410271450440200024000b200020016b4102751a20002106200121" +
  "084105210641012108200028020020012802046a1a200041046a22062d00001a200420002b0300a21a20012000" +
  "2d00006a1a2001200041046a2802006a1a20002b0300200041086a2b0308a21a2004200041086a2b0308a21a20" +
  "0010011a200010001a200041016a10011a410710011a200041011100001a20024228861a20024228871a200242" +
  "28881a20024228891a200242288a1a200210021a10032001047f41010520000b1a2001047e20020542050b1a20" +
  "0145047c2004054400000000000014400b1a200104402000240005010b200020014101711100001a0240024020" +
  "010e0101000b0b410020004104fc0b00410441004104fc0a00003f001a410040001afd0c010000000200000003" +
  "0000000400000021072007fd0c0500000006000000070000000800000020011b21072001047b2007052000fd11" +
  "0b21074110fd0004002107200041046afd0004042107200041046afd01030021074108fd020300210741102007" +
  "fd0b0400200041046a2007fd0b04002000fd1121072007fd1b011a20072001fd1c02210720072007fd0d001102" +
  "130415061708190a1b0c1d0e1f2107200720072007fd5221074108fd5c0200210741082007fd54000001210741" +
  "082007fd5901000141082007fd5a02000141082007fd5b03000120074108fd010300fd8e012107200720004104" +
  "6afd000404fde60121072007200041046afd020300fd8e01210720072000fd020300fd8e012000fd020301fd8e" +
  "012107200041046a2007fd5b0300012007fda9012007fdb50121072007fdaa012007fdb50121072007fda90120" +
  "07fdb5012000fdad0121072007fdaa012007fdb5012000fdad01210720072007fd26210720072007fd28210720" +
  "07fd60210720072007fd7721072007fde301210720072007fde801210720072007fd4e210720072007fd502107" +
  "20072007fd51210720072007fd4f210720072007fd6e210720072007fd71210720072007fd8e01210720072007" +
  "fd9101210720072007fdae01210720072007fdb101210720072007fd9501210720072000fd8b01210720072000" +
  "fd8c01210720072000fd8d01210720072007fdb501210720072000fdab01210720072000fdac01210720072000" +
  "fdad0121072007fda70121072007fda90121072007fda80121072007fdaa0121072007fd870121072007fd8901" +
  "21072007fd880121072007fd8a01210720072007fd6f210720072007fd70210720072007fd72210720072007fd" +
  "73210720072007fd7b21072007fd641a20072007fd8f01210720072007fd9001210720072007fd920121072007" +
  "2007fd9301210720072007fd9b0121072007fd84011a20072007fd23210720072007fd24210720072007fdba01" +
  "21072007fda4011a2007fd531a2007fd7c210720072007fd6521072007fd7d210720072007fd6621072007fd7e" +
  "210720072007fd850121072007fd7f210720072007fd8601210720072007fde401210720072007fde501210720" +
  "072007fde601210720072007fde701210720072007fdf001210720072007fdf101210720072007fdf201210720" +
  "072007fdf30121074101210841032109410021060340200641016a210620064103470d000b4100210603402006" +
  "41016a210620064103480d000b410021060340200641016a210620064103490d000b410021060340200641016a" +
  "210620062009470d000b410021060340200641016a210620062009480d000b410021060340200641016a210620" +
  "062009490d000b410021060340200620086a210620064103470d000b410021060340200620086a210620064103" +
  "480d000b410021060340200620086a210620064103490d000b410021060340200620086a210620062009470d00" +
  "0b410021060340200620086a210620062009480d000b410021060340200620086a210620062009490d000b4100" +
  "21060340200641016a210620064103490d000b410321060340200641034921082006417f6a210620080d000b20" +
  "0041016a22062108024020010d000b4102210603402006410176210620060d000b410021060240034020064101" +
  "6a2106200641034f0d010c000b0b200521060340200641016b22060d000b20000b0b18010041c8010b11010001" +
  "00000000000300000000000000030051046e616d65011e040004686f737401046c65616602066c656166363403" +
  "076e6f7468696e67022a01040a00016901016a02016c03016604016405047370696e06016b07017608036f6e65" +
  "09057468726565";
"05047370696e06016b07017608036f6e6509057468726565";
"6405016b06017607036f6e6508057468726565";
"67022401040900016901016a02016c03016604016405016b06017607036f6e6508057468726565";

/** The warm-up module's bytes. */
export function warmUpModule(): Uint8Array {
  return fromHex(WARM_UP_HEX);
}

/** The hex for `WARM_UP_HEX`, as TypeScript string lines. */
export function warmUpHex(): string {
  return hexLines(wat2wasm(warmUpSource()));
}

/**
 * The tier warm-up, run before the interpreter warm-up when the first
 * runtime to call has the JavaScript tiers: an interpreted loop calls a
 * function the structured tier has compiled, directly and through a table,
 * in a module with a memory. The engine's first optimised `run` has then
 * seen the interpreter's calls into compiled code. Without it, on
 * JavaScriptCore the first such call of a program left that code
 * (`InadequateCoverage`, with `BUN_JSC_verboseOSR=true`) and `run` was
 * compiled again: a one-sentence flite run took 0.277 s against 0.253 s with
 * it, and more than interpreting it (0.224 s). On V8, where it made flite
 * slower while `run` was thrown away at other cases anyway (0.574 against
 * 0.548 s), it runs since those cases are in the warm-up too: with the
 * warm-up module's counts unreached ({@link WARM_UP_UNREACHED_HEAT}), flite
 * took 0.588 against 0.628 s, coremark_like 1.102 against 1.151 s and
 * malloc_churn 0.396 against 0.415 s on Deno (`bench/HISTORY.md`).
 */
export const TIER_WARM_UP_SOURCE = `(module
  (type $t (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $leaf)
  (memory 1)
  (func $leaf (export "leaf") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "go") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $leaf (local.get $n))))
      (local.set $s (i32.add (local.get $s) (call_indirect (type $t) (local.get $s) (i32.const 0))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))`;

/**
 * The tier warm-up's `jsTier` count, and how many times `go` loops: `$leaf`
 * (called twice an iteration) is compiled at its 20th call, in the 10th
 * iteration, and `go`'s 15 backward branches stay below the count.
 */
export const TIER_WARM_UP_HEAT = 20;
/** See {@link TIER_WARM_UP_HEAT}. */
export const TIER_WARM_UP_ITERATIONS = 15;

/** `TIER_WARM_UP_SOURCE` encoded (a test checks it; `tierWarmUpHex()` prints it). */
const TIER_WARM_UP_HEX =
  "0061736d0100000001060160017f017f03030200000404017000010503010001070d02046c656166000002676f" +
  "00010907010041000b01000a31020700200041016a0b2701017f03402001200010006a21012001200141001100" +
  "006a2101200041016b22000d000b20010b0019046e616d6501070100046c656166020901010200016e010173";

/** The tier warm-up module's bytes. */
export function tierWarmUpModule(): Uint8Array {
  return fromHex(TIER_WARM_UP_HEX);
}

/** The hex for `TIER_WARM_UP_HEX`, as TypeScript string lines. */
export function tierWarmUpHex(): string {
  return hexLines(wat2wasm(TIER_WARM_UP_SOURCE));
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

function hexLines(bytes: Uint8Array): string {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return hex.match(/.{1,90}/g)!.map((l) => `  "${l}"`).join(" +\n");
}

/**
 * The `jsTier` count of the warm-up module's runtime when the first runtime
 * has the JavaScript tiers: never reached, so nothing is compiled, but the
 * executor's tests for the tiers (a call's, a backward branch's) run, and V8
 * no longer throws its optimised `run` away at a tiered program's first
 * call. 2^29, not 2^30: counts stay V8 small integers.
 */
export const WARM_UP_UNREACHED_HEAT = 2 ** 29;

/**
 * The argument lists the warm-up calls `run` with: below, at and above the
 * constant 3 and each other, so that every comparison's branch goes both ways;
 * the last spins the loop that spends the interruption-check budget.
 */
export const WARM_UP_CALLS: readonly unknown[][] = [
  [1, 2, 1n, 1.5, 1.5, 1],
  [3, 1, 3n, 0.5, 2.5, 1],
  [5, 5, -1n, 2.5, 0.5, 1],
  [4, 0, 2n, 1.5, 1.5, CHECK_INTERVAL + 2000],
];
