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
const NAMES: Record<number, string> = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64" };

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
    "(drop (call $leaf (local.get $i)))",
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
    // Long enough to spend the interruption-check budget (backward branches) once.
    "(local.set $k (i32.const 12000))",
    "(loop $loop (br_if $loop (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))",
  );
  return `(module
    (memory 1)
    (type $t (func (param i32) (result i32)))
    (global $g (mut i32) (i32.const 1))
    (global $g64 (mut i64) (i64.const 1))
    (table 2 funcref)
    (elem (i32.const 0) $leaf $leaf)
    (func $leaf (param i32) (result i32) (local.get 0))
    (func $leaf64 (param i64) (result i64) (local.get 0))
    (func $nothing)
    (func (export "run") (param $i i32) (param $j i32) (param $l i64) (param $f f32) (param $d f64)
      (result i32) (local $k i32)
      ${body.join("\n      ")}
      (local.get $i)))`;
}

/**
 * `warmUpSource()` encoded, as hex: embedded so that the first call does not
 * pay for parsing text (a test checks it matches; `warmUpHex()` prints it).
 */
const WARM_UP_HEX =
  "0061736d0100000001170460017f017f60017e017e60000060057f7f7e7d7c017f030504000102030404017000" +
  "020503010001060b027f0141010b7e0142010b0707010372756e00030908010041000b0200000a8d1604040020" +
  "000b040020000b02000bfd1501017f41082802001a41082903001a41082a02001a41082b03001a41082c00001a" +
  "41082d00001a41082e01001a41082f01001a41083000001a41083100001a41083201001a41083301001a410834" +
  "02001a41083502001a41102000360200411020023703004110200338020041102004390300411020003a000041" +
  "1020003b0100411020023c0000411020023d0100411020023e02002000451a02402000450d000b200045044020" +
  "0124000b02402000450d000b2000450440200124000b20002000461a20004103461a41032000461a0240200020" +
  "01460d000b20002001460440200124000b024020004103460d000b20004103460440200124000b20002000471a" +
  "20004103471a41032000471a024020002001470d000b20002001470440200124000b024020004103470d000b20" +
  "004103470440200124000b20002000481a20004103481a41032000481a024020002001480d000b200020014804" +
  "40200124000b024020004103480d000b20004103480440200124000b20002000491a20004103491a4103200049" +
  "1a024020002001490d000b20002001490440200124000b024020004103490d000b20004103490440200124000b" +
  "200020004a1a200041034a1a410320004a1a0240200020014a0d000b200020014a0440200124000b0240200041" +
  "034a0d000b200041034a0440200124000b200020004b1a200041034b1a410320004b1a0240200020014b0d000b" +
  "200020014b0440200124000b0240200041034b0d000b200041034b0440200124000b200020004c1a200041034c" +
  "1a410320004c1a0240200020014c0d000b200020014c0440200124000b0240200041034c0d000b200041034c04" +
  "40200124000b200020004d1a200041034d1a410320004d1a0240200020014d0d000b200020014d044020012400" +
  "0b0240200041034d0d000b200041034d0440200124000b200020004e1a200041034e1a410320004e1a02402000" +
  "20014e0d000b200020014e0440200124000b0240200041034e0d000b200041034e0440200124000b200020004f" +
  "1a200041034f1a410320004f1a0240200020014f0d000b200020014f0440200124000b0240200041034f0d000b" +
  "200041034f0440200124000b2002501a20022002511a20024203511a42032002511a20022002521a2002420352" +
  "1a42032002521a20022002531a20024203531a42032002531a20022002541a20024203541a42032002541a2002" +
  "2002551a20024203551a42032002551a20022002561a20024203561a42032002561a20022002571a2002420357" +
  "1a42032002571a20022002581a20024203581a42032002581a20022002591a20024203591a42032002591a2002" +
  "20025a1a200242035a1a420320025a1a200320035b1a2003430000c03f5b1a430000c03f20035b1a200320035c" +
  "1a2003430000c03f5c1a430000c03f20035c1a200320035d1a2003430000c03f5d1a430000c03f20035d1a2003" +
  "20035e1a2003430000c03f5e1a430000c03f20035e1a200320035f1a2003430000c03f5f1a430000c03f20035f" +
  "1a20032003601a2003430000c03f601a430000c03f2003601a20042004611a200444000000000000f83f611a44" +
  "000000000000f83f2004611a20042004621a200444000000000000f83f621a44000000000000f83f2004621a20" +
  "042004631a200444000000000000f83f631a44000000000000f83f2004631a20042004641a2004440000000000" +
  "00f83f641a44000000000000f83f2004641a20042004651a200444000000000000f83f651a44000000000000f8" +
  "3f2004651a20042004661a200444000000000000f83f661a44000000000000f83f2004661a2000671a2000681a" +
  "2000691a200020006a1a200041036a1a410320006a1a200020006b1a200041036b1a410320006b1a200020006c" +
  "1a200041036c1a410320006c1a200020006d1a200041036d1a410320006d1a200020006e1a200041036e1a4103" +
  "20006e1a200020006f1a200041036f1a410320006f1a20002000701a20004103701a41032000701a2000200071" +
  "1a20004103711a41032000711a20002000721a20004103721a41032000721a20002000731a20004103731a4103" +
  "2000731a20002000741a20004103741a41032000741a20002000751a20004103751a41032000751a2000200076" +
  "1a20004103761a41032000761a20002000771a20004103771a41032000771a20002000781a20004103781a4103" +
  "2000781a2002791a20027a1a20027b1a200220027c1a200242037c1a420320027c1a200220027d1a200242037d" +
  "1a420320027d1a200220027e1a200242037e1a420320027e1a200220027f1a200242037f1a420320027f1a2002" +
  "2002801a20024203801a42032002801a20022002811a20024203811a42032002811a20022002821a2002420382" +
  "1a42032002821a20022002831a20024203831a42032002831a20022002841a20024203841a42032002841a2002" +
  "2002851a20024203851a42032002851a20022002861a20024203861a42032002861a20022002871a2002420387" +
  "1a42032002871a20022002881a20024203881a42032002881a20022002891a20024203891a42032002891a2002" +
  "20028a1a200242038a1a420320028a1a20038b1a20038c1a20038d1a20038e1a20038f1a2003901a2003911a20" +
  "032003921a2003430000c03f921a430000c03f2003921a20032003931a2003430000c03f931a430000c03f2003" +
  "931a20032003941a2003430000c03f941a430000c03f2003941a20032003951a2003430000c03f951a430000c0" +
  "3f2003951a20032003961a2003430000c03f961a430000c03f2003961a20032003971a2003430000c03f971a43" +
  "0000c03f2003971a20032003981a2003430000c03f981a430000c03f2003981a2004991a20049a1a20049b1a20" +
  "049c1a20049d1a20049e1a20049f1a20042004a01a200444000000000000f83fa01a44000000000000f83f2004" +
  "a01a20042004a11a200444000000000000f83fa11a44000000000000f83f2004a11a20042004a21a2004440000" +
  "00000000f83fa21a44000000000000f83f2004a21a20042004a31a200444000000000000f83fa31a4400000000" +
  "0000f83f2004a31a20042004a41a200444000000000000f83fa41a44000000000000f83f2004a41a20042004a5" +
  "1a200444000000000000f83fa51a44000000000000f83f2004a51a20042004a61a200444000000000000f83fa6" +
  "1a44000000000000f83f2004a61a2002a71a2003a81a2003a91a2004aa1a2004ab1a2000ac1a2000ad1a2003ae" +
  "1a2003af1a2004b01a2004b11a2000b21a2000b31a2002b41a2002b51a2004b61a2000b71a2000b81a2002b91a" +
  "2002ba1a2003bb1a2003bc1a2004bd1a2000be1a2002bf1a2000c01a2000c11a2002c21a2002c31a2002c41a20" +
  "03fc001a2003fc011a2004fc021a2004fc031a2003fc041a2003fc051a2004fc061a2004fc071a200041032001" +
  "1b1a2002420320011b1a2003430000c03f20011b1a200444000000000000f83f20011b1a230020006a24002301" +
  "2401200041046a2802001a200041046a2903001a200041046a2d00001a200041046a2001360200200041046a20" +
  "02370300200041046a20013a0000200020016a2802001a200020016a2903001a200020016a2d00001a20002001" +
  "6a2001360200200020016a2002370300200020016a20013a0000200041027441046a1a200010001a200210011a" +
  "10022001047f41010520000b1a2001047e20020542050b1a200145047c2004054400000000000014400b1a2001" +
  "04402000240005010b200020014101711100001a0240024020010e0101000b0b410020004104fc0b0041044100" +
  "4104fc0a00003f001a410040001a41e0dd0021050340200541016b22050d000b20000b0036046e616d65011803" +
  "00046c65616601066c656166363402076e6f7468696e67021501030600016901016a02016c0301660401640501" +
  "6b";

/** The warm-up module's bytes. */
export function warmUpModule(): Uint8Array {
  const out = new Uint8Array(WARM_UP_HEX.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(WARM_UP_HEX.substr(i * 2, 2), 16);
  return out;
}

/** The hex for `WARM_UP_HEX`, as TypeScript string lines. */
export function warmUpHex(): string {
  const hex = [...wat2wasm(warmUpSource())].map((b) => b.toString(16).padStart(2, "0")).join("");
  const lines = hex.match(/.{1,90}/g)!.map((l) => `  "${l}"`);
  return lines.join(" +\n");
}

/**
 * The argument lists the warm-up calls `run` with: below, at and above the
 * constant 3 and each other, so that every comparison's branch goes both ways.
 */
export const WARM_UP_CALLS: readonly unknown[][] = [
  [1, 2, 1n, 1.5, 1.5],
  [3, 1, 3n, 0.5, 2.5],
  [5, 5, -1n, 2.5, 0.5],
  [4, 0, 2n, 1.5, 1.5],
];
