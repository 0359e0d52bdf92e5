/**
 * Micro-benchmarks of the embedding API: a host-function call round trip
 * (wasm → host → wasm), an exported-function call from JS, instantiation of a
 * small module, and Memory.readUint32/writeUint32 from the host. Each is
 * measured next to the host's native WebAssembly when it exists.
 */
import { type Memory, Runtime, wat2wasm } from "../mod.ts";
import { median } from "./system.ts";

/** One micro-benchmark's result: the same quantity on wazero-ts and natively. */
export interface MicroResult {
  /** What is measured. */
  name: string;
  /** The unit of `ours` and `native`. */
  unit: "ns/call" | "ns/op" | "µs";
  /** wazero-ts. */
  ours: number;
  /** The host's native WebAssembly (absent without it). */
  native?: number;
}

interface NativeApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

function nativeApi(): NativeApi | undefined {
  return (globalThis as { WebAssembly?: NativeApi }).WebAssembly;
}

/** Median over `rounds` of the time of `body()` in ms. */
function timeMs(body: () => void, rounds: number): number {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    body();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const CALLS_WAT = `(module
  (import "env" "inc" (func $inc (param i32) (result i32)))
  ;; n host calls in a loop
  (func (export "calls") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (call $inc (local.get $acc)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  ;; the same loop without the call, to subtract
  (func (export "empty") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  (func (export "id") (param i32) (result i32) (local.get 0)))`;

/** A small but typical module: memory, data, a global, a table with elements, a few functions. */
const SMALL_WAT = `(module
  (memory (export "memory") 1)
  (data (i32.const 16) "hello, world")
  (global $g (mut i32) (i32.const 7))
  (table 4 funcref)
  (elem (i32.const 0) $a $b $a $b)
  (func $a (param i32) (result i32) (i32.add (local.get 0) (global.get $g)))
  (func $b (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func (export "run") (param i32) (result i32)
    (call_indirect (param i32) (result i32) (local.get 0) (i32.and (local.get 0) (i32.const 3)))))`;

/** Host → wasm → host round trips, and host → wasm calls. */
async function calls(): Promise<MicroResult[]> {
  const N = 1_000_000;
  const bytes = wat2wasm(CALLS_WAT);
  using runtime = new Runtime();
  await runtime.newHostModuleBuilder("env")
    .newFunctionBuilder().withFunc((_caller, x: number) => (x + 1) | 0, ["i32"], ["i32"])
    .export("inc").instantiate();
  const module = await runtime.instantiate(bytes);
  const callsFn = module.exportedFunction("calls")!, emptyFn = module.exportedFunction("empty")!;
  const id = module.exportedFunction("id")!;
  // Warm up until the interpreter's loop is optimised (TurboFan compiles it in the background,
  // which takes most of a second in a fresh process).
  for (let i = 0; i < 6; i++) {
    callsFn.call(N);
    emptyFn.call(N);
  }
  const ours = (timeMs(() => callsFn.call(N), 5) - timeMs(() => emptyFn.call(N), 5)) * 1e6 / N;
  const M = 200_000;
  const idBody = () => {
    for (let i = 0; i < M; i++) id.call(i);
  };
  for (let i = 0; i < 6; i++) idBody();
  const oursId = timeMs(idBody, 5) * 1e6 / M;

  let native: number | undefined, nativeId: number | undefined;
  const api = nativeApi();
  if (api) {
    const inst = new api.Instance(new api.Module(bytes), {
      env: { inc: (x: number) => (x + 1) | 0 },
    });
    const c = inst.exports.calls as (n: number) => number;
    const e = inst.exports.empty as (n: number) => number;
    const nid = inst.exports.id as (n: number) => number;
    c(N);
    e(N);
    native = (timeMs(() => c(N), 5) - timeMs(() => e(N), 5)) * 1e6 / N;
    const nidBody = () => {
      for (let i = 0; i < M; i++) nid(i);
    };
    nidBody();
    nativeId = timeMs(nidBody, 5) * 1e6 / M;
  }
  return [
    { name: "host function call round trip (wasm → JS → wasm)", unit: "ns/call", ours, native },
    {
      name: "exported function call from JS (fn.call(i))",
      unit: "ns/call",
      ours: oursId,
      native: nativeId,
    },
  ];
}

/** Instantiation of a small, already compiled module (and compile + instantiate). */
async function instantiation(): Promise<MicroResult[]> {
  const bytes = wat2wasm(SMALL_WAT);
  const N = 2000;
  // Native first, and fewer instances: JavaScriptCore took up to 57 ms per instance (minutes in
  // all) when it ran after our thousands of instantiations had filled the heap.
  let native: number | undefined, nativeBoth: number | undefined;
  const api = nativeApi();
  if (api) {
    const M = N / 10;
    const mod = new api.Module(bytes);
    for (let i = 0; i < M; i++) new api.Instance(mod, {});
    native = timeMs(() => {
      for (let i = 0; i < M; i++) new api.Instance(mod, {});
    }, 5) * 1000 / M;
    nativeBoth = timeMs(() => {
      for (let i = 0; i < M; i++) new api.Instance(new api.Module(bytes), {});
    }, 5) * 1000 / M;
  }
  using runtime = new Runtime();
  const compiled = await runtime.compileModule(bytes);
  const inst: number[] = [], both: number[] = [];
  for (let round = 0; round < 6; round++) {
    let t0 = performance.now();
    for (let i = 0; i < N; i++) (await runtime.instantiateModule(compiled)).close();
    inst.push((performance.now() - t0) * 1000 / N);
    t0 = performance.now();
    for (let i = 0; i < N; i++) (await runtime.instantiate(bytes)).close();
    both.push((performance.now() - t0) * 1000 / N);
  }
  inst.shift();
  both.shift();
  return [
    {
      name: `instantiate a small compiled module (${bytes.length} bytes)`,
      unit: "µs",
      ours: median(inst),
      native,
    },
    {
      name: "compile + instantiate the same module",
      unit: "µs",
      ours: median(both),
      native: nativeBoth,
    },
  ];
}

/** Memory.readUint32 / writeUint32 from the host, against a DataView on the native memory. */
async function memoryAccess(): Promise<MicroResult[]> {
  const N = 1_000_000;
  using runtime = new Runtime();
  const module = await runtime.instantiate(`(module (memory (export "memory") 1))`);
  const memory: Memory = module.memory()!;
  const readBody = () => {
    let s = 0;
    for (let i = 0; i < N; i++) s ^= memory.readUint32((i * 4) & 0xfffc)!;
    return s;
  };
  const writeBody = () => {
    for (let i = 0; i < N; i++) memory.writeUint32((i * 4) & 0xfffc, i);
  };
  readBody();
  writeBody();
  const out: MicroResult[] = [
    { name: "Memory.readUint32", unit: "ns/op", ours: timeMs(readBody, 5) * 1e6 / N },
    { name: "Memory.writeUint32", unit: "ns/op", ours: timeMs(writeBody, 5) * 1e6 / N },
  ];
  const api = nativeApi() as
    | (NativeApi & { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } })
    | undefined;
  if (api) {
    // The native JS API has no accessors: what an embedder writes instead.
    const mem = new api.Memory({ initial: 1 });
    const nRead = () => {
      const view = new DataView(mem.buffer);
      let s = 0;
      for (let i = 0; i < N; i++) s ^= view.getUint32((i * 4) & 0xfffc, true);
      return s;
    };
    const nWrite = () => {
      const view = new DataView(mem.buffer);
      for (let i = 0; i < N; i++) view.setUint32((i * 4) & 0xfffc, i, true);
    };
    nRead();
    nWrite();
    out[0].native = timeMs(nRead, 5) * 1e6 / N;
    out[1].native = timeMs(nWrite, 5) * 1e6 / N;
  }
  return out;
}

/** Runs every micro-benchmark. */
export async function runMicro(): Promise<MicroResult[]> {
  return [...(await calls()), ...(await instantiation()), ...(await memoryAccess())];
}
