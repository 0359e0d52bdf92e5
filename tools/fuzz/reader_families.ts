/**
 * The matrices of `reader_matrix.ts`: for each family, a module whose
 * exports `f0`, `f1`... each apply one producer and one reader, and the
 * inputs to call them with.
 *
 * @module
 */

/** One call's inputs: arguments, the memory's bytes (from 0) and the pages it must have. */
export interface Input {
  args: unknown[];
  memory?: Uint8Array;
  pages?: number;
  /** Ranges of memory that hold results, read after the call: [offset, length] each. */
  resultAt?: [number, number][];
  describe: string;
}

/** A matrix: its module, what each export does, and inputs by number. */
export interface Family {
  name: string;
  source: string;
  names: string[];
  /** Floats compare NaN-equal (only a NaN's sign may differ: the spec leaves it open). */
  nanEqual: boolean;
  input(n: number): Input;
}

/** Edge words: sign bits, byte and lane extremes, float bit patterns. */
const EDGE_WORDS = [
  0,
  1,
  -1,
  0x7fffffff,
  -0x80000000,
  0x80808080 | 0,
  0x7f7f7f7f,
  0xffff,
  0x8000,
  0x7fff8000,
  0x00ff00ff,
  0xff00ff00 | 0,
  0x4f000000,
  0x4f800000,
  0x7fc00000,
];

/** `count` words, pseudo-random from `seed`, about half of them edge words. */
function words(seed: number, count: number): Int32Array {
  const out = new Int32Array(count);
  let s = Math.imul(seed + 7, 2654435761) >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s & 1) === 0 ? EDGE_WORDS[(s >>> 8) % EDGE_WORDS.length] : (s ^ (s << 7)) | 0;
  }
  return out;
}

const hex = (w: Int32Array) => [...w].map((x) => (x >>> 0).toString(16)).join(" ");

/** Exports `f<i>` for each producer and reader, with `head` (locals and their setup) first. */
function matrix(
  producers: [string, string][],
  readers: Record<string, string[]>,
  signature: string,
  head: string,
  tail: (reader: string) => string,
): { funcs: string; names: string[] } {
  let funcs = "";
  const names: string[] = [];
  for (const [type, producer] of producers) {
    for (const reader of readers[type]) {
      funcs += `(func (export "f${names.length}") ${signature} (local $r ${type}) ${head}
        (local.set $r ${producer}) ${tail(reader)})\n`;
      names.push(`${producer} read by ${reader}`);
    }
  }
  return { funcs, names };
}

/** Integer SIMD: every lane op, shifts, lanes, splats, loads, conversions; results stored at 32. */
export function simdFamily(): Family {
  const binary = [
    ...["add", "sub", "add_sat_s", "add_sat_u", "sub_sat_s", "sub_sat_u", "min_s", "min_u"]
      .flatMap((o) => [`i8x16.${o}`, `i16x8.${o}`]),
    ...["max_s", "max_u", "avgr_u", "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_u", "ge_s"]
      .map((o) => `i8x16.${o}`),
    ...["max_s", "max_u", "avgr_u", "eq", "lt_s", "gt_u", "mul", "q15mulr_sat_s"].map((o) =>
      `i16x8.${o}`
    ),
    "i8x16.narrow_i16x8_s",
    "i8x16.narrow_i16x8_u",
    "i16x8.narrow_i32x4_s",
    "i16x8.narrow_i32x4_u",
    "i8x16.swizzle",
    "i16x8.extmul_low_i8x16_s",
    "i16x8.extmul_high_i8x16_u",
    ...["add", "sub", "mul", "min_s", "min_u", "max_s", "max_u", "eq", "lt_s", "gt_u", "ge_s"]
      .map((o) => `i32x4.${o}`),
    "i32x4.dot_i16x8_s",
    "i32x4.extmul_low_i16x8_s",
    "i32x4.extmul_high_i16x8_u",
    ...["add", "sub", "mul", "eq", "lt_s", "ge_s", "extmul_low_i32x4_s", "extmul_high_i32x4_u"]
      .map((o) => `i64x2.${o}`),
    "v128.and",
    "v128.or",
    "v128.xor",
    "v128.andnot",
  ];
  const unary = [
    "i8x16.abs",
    "i8x16.neg",
    "i8x16.popcnt",
    "i16x8.abs",
    "i16x8.neg",
    "i16x8.extend_low_i8x16_s",
    "i16x8.extend_high_i8x16_u",
    "i16x8.extadd_pairwise_i8x16_s",
    "i16x8.extadd_pairwise_i8x16_u",
    "i32x4.abs",
    "i32x4.neg",
    "i32x4.extend_low_i16x8_s",
    "i32x4.extend_high_i16x8_u",
    "i32x4.extadd_pairwise_i16x8_s",
    "i32x4.extadd_pairwise_i16x8_u",
    "i32x4.trunc_sat_f32x4_s",
    "i32x4.trunc_sat_f32x4_u",
    "i32x4.trunc_sat_f64x2_u_zero",
    "i64x2.abs",
    "i64x2.neg",
    "i64x2.extend_low_i32x4_s",
    "i64x2.extend_high_i32x4_u",
    "v128.not",
  ];
  const producers: [string, string][] = [
    ...binary.map((o): [string, string] => ["v128", `(${o} (local.get $a) (local.get $b))`]),
    ...unary.map((o): [string, string] => ["v128", `(${o} (local.get $a))`]),
  ];
  for (const o of ["i8x16.shl", "i16x8.shr_s", "i16x8.shr_u", "i32x4.shr_u", "i64x2.shr_u"]) {
    for (const count of ["(local.get $n)", "(i32.const 0)", "(i32.const 31)", "(i32.const 32)"]) {
      producers.push(["v128", `(${o} (local.get $a) ${count})`]);
    }
  }
  for (const lane of ["i8x16.replace_lane 15", "i16x8.replace_lane 7", "i32x4.replace_lane 3"]) {
    producers.push(["v128", `(${lane} (local.get $a) (local.get $n))`]);
  }
  for (
    const load of ["v128.load8x8_u", "v128.load16x4_s", "v128.load32_zero", "v128.load8_splat"]
  ) {
    producers.push(["v128", `(${load} offset=3 (i32.const 0))`]);
  }
  producers.push(
    [
      "v128",
      "(i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 (local.get $a) (local.get $b))",
    ],
    ["v128", "(i32x4.splat (i16x8.extract_lane_u 7 (local.get $a)))"],
  );
  const readers = [
    "(i16x8.narrow_i32x4_u (local.get $r) (local.get $r))",
    "(i16x8.narrow_i32x4_s (local.get $r) (local.get $r))",
    "(i8x16.narrow_i16x8_u (local.get $r) (local.get $r))",
    "(i32x4.min_s (local.get $r) (local.get $b))",
    "(i32x4.max_u (local.get $r) (local.get $b))",
    "(i32x4.lt_s (local.get $r) (local.get $b))",
    "(i16x8.lt_u (local.get $r) (local.get $b))",
    "(i64x2.lt_s (local.get $r) (local.get $b))",
    "(f32x4.convert_i32x4_s (local.get $r))",
    "(f32x4.convert_i32x4_u (local.get $r))",
    "(i32x4.splat (i32.lt_u (i32x4.extract_lane 0 (local.get $r)) (i32x4.extract_lane 2 (local.get $r))))",
    "(i32x4.splat (i32x4.bitmask (local.get $r)))",
    "(i32x4.splat (v128.any_true (local.get $r)))",
    "(i64x2.splat (i64.div_u (i64x2.extract_lane 1 (local.get $r)) (i64.const 7)))",
    "(i32x4.extadd_pairwise_i16x8_u (local.get $r))",
    "(local.get $r)",
  ];
  const head = `(local $a v128) (local $b v128) (local $n i32)
    (local.set $a (v128.load (i32.const 0))) (local.set $b (v128.load (i32.const 16)))
    (local.set $n (i32.load (i32.const 48)))`;
  const { funcs, names } = matrix(
    producers,
    { v128: readers },
    "",
    head,
    (reader) => `(v128.store (i32.const 32) ${reader})`,
  );
  return {
    name: "simd",
    source: `(module (memory (export "mem") 1) ${funcs})`,
    names,
    nanEqual: false,
    input(n) {
      const w = words(n, 13);
      const memory = new Uint8Array(64);
      new Int32Array(memory.buffer).set(w.subarray(0, 8));
      new Int32Array(memory.buffer)[12] = w[12];
      return { args: [], memory, resultAt: [[32, 16]], describe: hex(w) };
    },
  };
}

/** The scalar families: `scalar` (i32 and i64 ops) and `float` (f32 and f64 ops). */
export function scalarFamilies(): Family[] {
  const params = "(param $x i64) (param $y i64) (param $i i32) (param $j i32) (param $fa f32)" +
    " (param $fb f32) (param $da f64) (param $db f64)";
  const integers: [string, string][] = [];
  for (
    const op of "add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr".split(
      " ",
    )
  ) {
    for (
      const c of [
        "(local.get $y)",
        "(i64.shl (local.get $y) (i64.const 6))",
        "(i64.const 0)",
        "(i64.const 32)",
      ]
    ) {
      integers.push(["i64", `(i64.${op} (local.get $x) ${c})`]);
    }
    for (
      const c of [
        "(local.get $j)",
        "(i32.shl (local.get $j) (i32.const 5))",
        "(i32.const 0)",
        "(i32.const -1)",
      ]
    ) {
      integers.push(["i32", `(i32.${op} (local.get $i) ${c})`]);
    }
  }
  for (const op of ["clz", "ctz", "popcnt", "extend8_s", "extend16_s"]) {
    integers.push(["i64", `(i64.${op} (local.get $x))`], ["i32", `(i32.${op} (local.get $i))`]);
  }
  integers.push(
    ["i64", "(i64.trunc_sat_f64_u (local.get $da))"],
    ["i32", "(i32.trunc_sat_f32_u (local.get $fa))"],
    ["i64", "(i64.extend_i32_u (local.get $i))"],
  );
  const integerReaders = {
    i64: [
      "(i64.lt_s (local.get $r) (local.get $y))",
      "(i64.lt_u (local.get $r) (local.get $y))",
      "(i64.eq (local.get $r) (local.get $x))",
      "(i32.wrap_i64 (i64.div_u (local.get $r) (i64.const 10)))",
      "(i32.trunc_sat_f64_s (f64.convert_i64_s (local.get $r)))",
      "(i32.reinterpret_f32 (f32.convert_i64_u (local.get $r)))",
    ],
    i32: [
      "(i32.lt_s (local.get $r) (local.get $j))",
      "(i32.lt_u (local.get $r) (local.get $j))",
      "(i32.eq (local.get $r) (local.get $i))",
      "(i32.div_u (local.get $r) (i32.const 10))",
      "(i32.trunc_sat_f64_s (f64.convert_i32_u (local.get $r)))",
      "(i32.wrap_i64 (i64.shr_u (i64.extend_i32_u (local.get $r)) (i64.const 1)))",
    ],
  };
  const floats: [string, string][] = [];
  for (const [t, a, b] of [["f32", "$fa", "$fb"], ["f64", "$da", "$db"]]) {
    for (const op of ["add", "sub", "mul", "div", "min", "max", "copysign"]) {
      floats.push([t, `(${t}.${op} (local.get ${a}) (local.get ${b}))`]);
    }
    for (const op of ["sqrt", "ceil", "floor", "trunc", "nearest", "abs", "neg"]) {
      floats.push([t, `(${t}.${op} (local.get ${a}))`]);
    }
    for (const c of ["convert_i32_u (local.get $i)", "convert_i64_s (local.get $x)"]) {
      floats.push([t, `(${t}.${c})`]);
    }
  }
  floats.push(
    ["f32", "(f32.demote_f64 (local.get $da))"],
    [
      "f32",
      "(f32x4.extract_lane 1 (f32x4.add (f32x4.splat (local.get $fa)) (f32x4.splat (local.get $fb))))",
    ],
    ["f64", "(f64x2.extract_lane 0 (f64x2.promote_low_f32x4 (f32x4.splat (local.get $fa))))"],
    // Chains: each step must round to f32 (lanes held as JS numbers between float instructions).
    ["f32", "(f32.add (f32.mul (local.get $fa) (local.get $fb)) (local.get $fa))"],
    [
      "f32",
      "(f32x4.extract_lane 2 (f32x4.add (f32x4.mul (f32x4.splat (local.get $fa)) " +
      "(f32x4.splat (local.get $fb))) (f32x4.splat (local.get $fa))))",
    ],
    [
      "f32",
      "(f32x4.extract_lane 0 (f32x4.div (f32x4.sqrt (f32x4.splat (local.get $fb))) " +
      "(f32x4.sub (f32x4.splat (local.get $fa)) (f32x4.splat (f32.const 0.1)))))",
    ],
    [
      "f64",
      "(f64x2.extract_lane 1 (f64x2.promote_low_f32x4 (f32x4.mul (f32x4.splat (local.get $fa)) " +
      "(f32x4.add (f32x4.splat (local.get $fb)) (f32x4.splat (f32.const 1e-3))))))",
    ],
  );
  const floatReaders = {
    f32: [
      "(f64.promote_f32 (local.get $r))",
      "(f64.convert_i32_s (f32.lt (local.get $r) (local.get $fb)))",
      "(f64.convert_i32_u (i32.trunc_sat_f32_u (local.get $r)))",
      "(f64.promote_f32 (f32.mul (local.get $r) (f32.const 3)))",
    ],
    f64: [
      "(local.get $r)",
      "(f64.convert_i32_s (f64.lt (local.get $r) (local.get $db)))",
      "(f64.convert_i64_u (i64.trunc_sat_f64_u (local.get $r)))",
      "(f64.promote_f32 (f32.demote_f64 (local.get $r)))",
    ],
  };
  const values = [0, -0, 0.5, 2.5, 0.1, 1e10, 2147483647.5, 4294967295.5, 2 ** 63, 16777217, NaN];
  const family = (
    name: string,
    producers: [string, string][],
    readers: Record<string, string[]>,
    result: string,
  ): Family => {
    const { funcs, names } = matrix(
      producers,
      readers,
      `${params} (result ${result})`,
      "",
      (r) => r,
    );
    return {
      name,
      source: `(module ${funcs})`,
      names,
      nanEqual: name === "float",
      input(n) {
        const w = words(n, 8);
        const pick = (k: number) =>
          w[k] & 1 ? values[(w[k] >>> 1) % values.length] * (w[k] < 0 ? -1 : 1) : w[k] / 65536;
        const args = [
          BigInt(w[0]) << 32n | BigInt(w[1] >>> 0),
          BigInt(w[2]) << 32n | BigInt(w[3] >>> 0),
          w[4],
          w[5],
          Math.fround(pick(6)),
          Math.fround(pick(7)),
          pick(5),
          pick(4),
        ];
        return { args, describe: args.map(String).join(" ") };
      },
    };
  };
  return [
    family("scalar", integers, integerReaders, "i32"),
    family("float", floats, floatReaders, "f64"),
  ];
}

/** Every load and store width at offsets and addresses near the ends of memory, 1 to 3 pages. */
export function memoryFamily(): Family {
  const loads = [
    "i32.load",
    "i32.load8_s",
    "i32.load16_u",
    "i64.load",
    "i64.load8_u",
    "i64.load16_s",
    "i64.load32_u",
    "f32.load",
    "f64.load",
    "v128.load",
    "v128.load8x8_s",
    "v128.load32_splat",
    "v128.load64_zero",
  ];
  const asI64: Record<string, string> = {
    i32: "(i64.extend_i32_u X)",
    i64: "X",
    f32: "(i64.extend_i32_u (i32.reinterpret_f32 X))",
    f64: "(i64.reinterpret_f64 X)",
    v128: "(i64x2.extract_lane 1 X)",
  };
  const stores = [
    ["i32.store", "(i32.const 0x11223344)"],
    ["i32.store8", "(i32.const -1)"],
    ["i64.store16", "(i64.const -1)"],
    ["i64.store", "(i64.const 0x1122334455667788)"],
    ["f64.store", "(f64.const -2.5)"],
    ["v128.store", "(v128.const i32x4 1 2 3 4)"],
  ];
  const offsets = [0, 3, 8, 0xfff0, 0xffff, 0x10000, 0xffffffff];
  let funcs = "";
  const names: string[] = [];
  for (const load of loads) {
    for (const offset of offsets) {
      const access = `(${load} offset=${offset} (local.get $a))`;
      funcs += `(func (export "f${names.length}") (param $a i32) (result i64)
        ${asI64[load.split(".")[0]].replace("X", access)})\n`;
      names.push(`${load} offset=${offset}`);
    }
  }
  for (const [store, value] of stores) {
    for (const offset of offsets) {
      funcs += `(func (export "f${names.length}") (param $a i32)
        (${store} offset=${offset} (local.get $a) ${value}))\n`;
      names.push(`${store} offset=${offset}`);
    }
  }
  const addresses = [0, 1, 7, 8, 65519, 65520, 65528, 65532, 65535, 65536, 131064, 196600, -1, -8];
  return {
    name: "memory",
    source: `(module (memory (export "mem") 1 4)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))) ${funcs})`,
    names,
    nanEqual: false,
    input(n) {
      const pages = 1 + (n % 3);
      const memory = new Uint8Array(pages * 65536);
      for (let k = 0; k < memory.length; k += 4093) memory[k] = k & 0xff;
      memory.fill(0xab, 0, 64);
      memory.fill(0xcd, 65472, 65536);
      const a = addresses[Math.floor(n / 3) % addresses.length];
      return {
        args: [a],
        memory,
        pages,
        resultAt: [[0, 64], [65472, 64], [memory.length - 64, 64]],
        describe: `address ${a}, ${pages} pages`,
      };
    },
  };
}
