/**
 * Resource bombs: modules that are valid but extreme (a million nested
 * blocks, a million-target br_table, a 4 GiB memory...). Each must end, in
 * every tier mode, in bounded time and memory with its result or a clear
 * CompileError/RuntimeError naming the limit. The unit tests run them at a
 * reduced size ("unit"); `deno task fuzz --bombs` runs them at full size.
 *
 * @module
 */

import { setJsTierMaxWords } from "../../lib/interpreter/js_tier/js_tier.ts";
import { useRegisterTierOnly } from "../../lib/runtime/runtime.ts";
import { CompileError, LinkError, Runtime, type RuntimeConfig, RuntimeError } from "../../mod.ts";
import process from "node:process";

/** Tier modes the bombs run in. */
export const BOMB_MODES = ["interpret", "eager", "second-call", "register", "loops"] as const;
type BombMode = typeof BOMB_MODES[number];

/** A growable byte buffer: bombs are too big for arrays of numbers and spread syntax. */
class Bytes {
  buf = new Uint8Array(1024);
  length = 0;
  #ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  byte(...b: number[]): this {
    this.#ensure(b.length);
    for (const x of b) this.buf[this.length++] = x;
    return this;
  }
  u32(n: number): this {
    do {
      let b = n & 0x7f;
      n = Math.floor(n / 128);
      if (n !== 0) b |= 0x80;
      this.byte(b);
    } while (n !== 0);
    return this;
  }
  /** `count` copies of `pattern`. */
  repeat(pattern: number[], count: number): this {
    this.#ensure(pattern.length * count);
    for (let i = 0; i < count; i++) for (const x of pattern) this.buf[this.length++] = x;
    return this;
  }
  append(other: Bytes): this {
    this.#ensure(other.length);
    this.buf.set(other.buf.subarray(0, other.length), this.length);
    this.length += other.length;
    return this;
  }
  section(id: number, contents: Bytes): this {
    return this.byte(id).u32(contents.length).append(contents);
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const I32 = 0x7f;

/** A module of one type `[params] -> [i32]`, `count` functions with `bodies(i)`, exporting function `exported` as "run". */
function moduleOf(options: {
  params?: number[];
  count?: number;
  body: (i: number) => Bytes;
  memory?: Bytes;
  table?: Bytes;
  data?: Bytes;
  exported?: number;
}): Uint8Array {
  const count = options.count ?? 1;
  const params = options.params ?? [];
  const m = new Bytes().byte(...HEADER);
  m.section(1, new Bytes().u32(1).byte(0x60).u32(params.length).byte(...params).u32(1).byte(I32));
  m.section(3, new Bytes().u32(count).repeat([0], count));
  if (options.table) m.section(4, options.table);
  if (options.memory) m.section(5, options.memory);
  m.section(
    7,
    new Bytes().u32(1).u32(3).byte(0x72, 0x75, 0x6e, 0).u32(options.exported ?? count - 1),
  );
  const code = new Bytes().u32(count);
  for (let i = 0; i < count; i++) {
    const body = options.body(i);
    code.u32(body.length).append(body);
  }
  m.section(10, code);
  if (options.data) m.section(11, options.data);
  return m.bytes();
}

/** A body without locals: `code` then `end`. */
function body(code: (b: Bytes) => void, locals?: [number, number]): Bytes {
  const b = new Bytes();
  if (locals) b.u32(1).u32(locals[0]).byte(locals[1]);
  else b.u32(0);
  code(b);
  return b.byte(0x0b);
}

/** One bomb: how to build it at a size, and what running "run" should give. */
export interface Bomb {
  name: string;
  unit: number;
  full: number;
  build(size: number): Uint8Array;
  /** Arguments of "run". */
  args?: unknown[];
  /** What "run" returns when the module is accepted. */
  expected(size: number): number;
}

/** The bombs of issue 20. */
export const BOMBS: Bomb[] = [
  {
    name: "nested blocks",
    unit: 50_000,
    full: 1_000_000,
    build: (n) =>
      moduleOf({
        body: () => body((b) => b.repeat([0x02, 0x40], n).repeat([0x0b], n).byte(0x41, 7)),
      }),
    expected: () => 7,
  },
  {
    name: "nested ifs",
    unit: 50_000,
    full: 1_000_000,
    build: (n) =>
      moduleOf({
        body: () => body((b) => b.repeat([0x41, 1, 0x04, 0x40], n).repeat([0x0b], n).byte(0x41, 7)),
      }),
    expected: () => 7,
  },
  {
    name: "br_table targets",
    unit: 200_000,
    full: 1_000_000,
    args: [123_456],
    build: (n) =>
      moduleOf({
        params: [I32],
        body: () =>
          body((b) =>
            b.byte(0x02, 0x40, 0x02, 0x40, 0x20, 0, 0x0e).u32(n).repeat([1], n).byte(0).byte(0x0b)
              .byte(0x41, 7, 0x0f, 0x0b, 0x41, 9)
          ),
      }),
    // Entry 123,456 (in range) branches out of both blocks: to the final constant.
    expected: () => 9,
  },
  {
    name: "operand stack values",
    unit: 200_000,
    full: 200_000,
    build: (n) =>
      moduleOf({ body: () => body((b) => b.repeat([0x41, 1], n).repeat([0x6a], n - 1)) }),
    expected: (n) => n,
  },
  {
    // Within the structured tier's size for split functions (400 KB): generating it once took
    // time in the square of the stack's depth (80,000 values: minutes).
    name: "operand stack values in a compiled body",
    unit: 80_000,
    full: 130_000,
    build: (n) =>
      moduleOf({ body: () => body((b) => b.repeat([0x41, 1], n).repeat([0x1a], n - 1)) }),
    expected: () => 1,
  },
  {
    // The translator looked through the whole stack at each local.set and block (5 s at 60,000).
    name: "local.get values, then local.sets and blocks",
    unit: 300_000,
    full: 1_000_000,
    build: (n) =>
      moduleOf({
        body: () =>
          body(
            (b) =>
              b.repeat([0x20, 0], n).repeat([0x41, 1, 0x21, 1, 0x02, 0x40, 0x0b], n)
                .repeat([0x1a], n - 1),
            [2, I32],
          ),
      }),
    expected: () => 0,
  },
  {
    name: "50,000 locals in many functions",
    unit: 10,
    full: 200,
    // Each function sets its last local and returns it plus the previous function's result.
    build: (n) =>
      moduleOf({
        count: n,
        body: (i) =>
          body((b) => {
            b.byte(0x41, 1, 0x21).u32(49_999).byte(0x20).u32(49_999);
            if (i > 0) b.byte(0x10).u32(i - 1).byte(0x6a);
          }, [50_000, I32]),
      }),
    expected: (n) => n,
  },
  {
    name: "4 GiB memory declaration",
    unit: 65_536,
    full: 65_536,
    build: (pages) =>
      moduleOf({
        memory: new Bytes().u32(1).byte(0).u32(pages),
        body: () => body((b) => b.byte(0x3f, 0)),
      }),
    expected: (pages) => pages,
  },
  {
    name: "10,000,000-element table",
    unit: 10_000_000,
    full: 10_000_000,
    build: (n) =>
      moduleOf({
        table: new Bytes().u32(1).byte(0x70, 0).u32(n),
        body: () => body((b) => b.byte(0xfc, 16, 0)),
      }),
    expected: (n) => n,
  },
  {
    name: "tiny functions",
    unit: 20_000,
    full: 1_000_000,
    build: (n) => moduleOf({ count: n, body: (i) => body((b) => b.byte(0x41).u32(i & 0x3f)) }),
    expected: (n) => (n - 1) & 0x3f,
  },
  {
    name: "data segment bytes",
    unit: 10_000_000,
    full: 100_000_000,
    build: (n) => {
      const pages = Math.ceil(n / 65536);
      const data = new Bytes().u32(1).byte(0, 0x41, 0, 0x0b).u32(n);
      data.repeat([0x2a], n);
      return moduleOf({
        memory: new Bytes().u32(1).byte(0).u32(pages),
        data,
        body: () => body((b) => b.byte(0x41).u32(0).byte(0x2d, 0, 0)), // i32.load8_u at 0
      });
    },
    expected: () => 42,
  },
];

/** How a bomb ended in one mode. */
export interface BombOutcome {
  mode: BombMode;
  /** The result of "run", or the error's class and message. */
  result: number | string;
  ms: number;
  /** Growth of the resident set while it ran, in MB. */
  rssMB: number;
}

function runtimeFor(mode: BombMode): Runtime {
  const configs: Record<BombMode, RuntimeConfig> = {
    interpret: { jsTier: false },
    eager: { jsTier: 1 },
    "second-call": { jsTier: 2 },
    register: { jsTier: 1 },
    loops: { jsTier: 1 },
  };
  const runtime = new Runtime(configs[mode]);
  return mode === "register" || mode === "loops" ? useRegisterTierOnly(runtime) : runtime;
}

/** Runs `bytes`' "run" in `mode` (twice, so "second-call" reaches its tier). */
export async function runBombIn(
  bytes: Uint8Array,
  mode: BombMode,
  args: unknown[] = [],
): Promise<BombOutcome> {
  const old = mode === "loops" ? setJsTierMaxWords(0) : undefined;
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const runtime = runtimeFor(mode);
  let result: number | string;
  try {
    const module = await runtime.instantiate(bytes, { name: null });
    const run = module.exportedFunction("run")!.withOptions({ timeout: 60_000 });
    run.call(...args);
    result = run.call(...args)[0] as number;
  } catch (e) {
    if (!(e instanceof CompileError || e instanceof RuntimeError || e instanceof LinkError)) {
      throw e;
    }
    result = `${e.name}: ${e.message}`;
  } finally {
    runtime.close();
    if (old !== undefined) setJsTierMaxWords(old);
  }
  return {
    mode,
    result,
    ms: performance.now() - t0,
    rssMB: Math.max(0, (process.memoryUsage().rss - rss0) / 2 ** 20),
  };
}

/** Runs one bomb in every mode. */
export async function runBomb(
  bomb: Bomb,
  size: "unit" | "full",
): Promise<{ outcomes: BombOutcome[]; summary: string }> {
  const n = bomb[size];
  const bytes = bomb.build(n);
  const outcomes: BombOutcome[] = [];
  for (const mode of BOMB_MODES) outcomes.push(await runBombIn(bytes, mode, bomb.args));
  const summary = `size ${n}, ${(bytes.length / 2 ** 20).toFixed(1)} MB: ` +
    outcomes.map((o) =>
      `${o.mode} ${o.result} in ${o.ms.toFixed(0)} ms (+${o.rssMB.toFixed(0)} MB)`
    ).join("; ");
  return { outcomes, summary };
}
