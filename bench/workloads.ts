/**
 * The workload set: small C programs in `bench/programs/` (built by
 * `bench/programs/build.sh` into import-free modules exporting
 * `run(n) -> i32`, a checksum), with the scale each runs at and the checksum
 * it must return at that scale.
 *
 * Scales are chosen so that one call takes about 0.5–1.5 s on wazero-ts and
 * 5–40 ms natively (the whole `deno task bench` stays under two minutes).
 */

/** One benchmark program. */
export interface Workload {
  /** Short name (also the file name: `bench/programs/<name>.wasm`). */
  name: string;
  /** What it stresses. */
  what: string;
  /** The argument passed to `run` in a full benchmark run. */
  n: number;
  /** The argument in `--quick` mode (and in the unit test). */
  quickN: number;
  /** `run(n)`'s result at `n` (measured with the host's native WebAssembly). */
  expect: number;
  /** `run(quickN)`'s result. */
  expectQuick: number;
  /** Set while the program does not exist yet: the slot is listed, not run. */
  pending?: string;
}

/** Every workload, in table order. */
export const WORKLOADS: Workload[] = [
  {
    name: "fib",
    what: "recursive i32 calls: fib(n)",
    n: 34,
    quickN: 20,
    expect: 5_702_887,
    expectQuick: 6_765,
  },
  {
    name: "sieve",
    what: "byte loads/stores and branches: a 1 MiB sieve of Eratosthenes, n times",
    n: 10,
    quickN: 1,
    expect: 2_049_761_441,
    expectQuick: 82_025,
  },
  {
    name: "matmul",
    what: "f64 multiply-add: 96×96 matrix product, n times",
    n: 20,
    quickN: 1,
    expect: -485_968_786,
    expectQuick: 123_451_875,
  },
  {
    name: "hash64",
    what: "i64 mul/rotl/shift/xor and unsigned compares over a 64 KiB buffer, n times",
    n: 600,
    quickN: 2,
    expect: 2_134_856_622,
    expectQuick: -674_311_246,
  },
  {
    name: "qsort",
    what: "recursion and i32 loads/stores: LCG fill, quicksort and verify of 100k ints, n times",
    n: 12,
    quickN: 1,
    expect: -997_993_624,
    expectQuick: -497_376,
  },
  {
    name: "vm",
    what: "a bytecode-VM switch loop (indirect branches, stack in memory), n iterations",
    n: 400_000,
    quickN: 10_000,
    expect: -1_934_425_675,
    expectQuick: -1_723_748_025,
  },
  {
    name: "utf8",
    what: "strings: UTF-8 encode, validate and decode, ASCII upper-case, naive search, n times",
    n: 200,
    quickN: 2,
    expect: -1_579_769_204,
    expectQuick: -1_230_781_756,
  },
  {
    name: "simd",
    what: "-msimd128: f32x4 dot product, 3×3 box blur in u16/u32 lanes, saturating blend, n times",
    n: 400,
    quickN: 2,
    expect: -958_540_178,
    expectQuick: -1_627_862_702,
  },
];
