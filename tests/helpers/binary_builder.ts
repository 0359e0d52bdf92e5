/**
 * Helpers to write WebAssembly binaries by hand in tests: each returns plain
 * byte arrays, so a test shows exactly which bytes it feeds the decoder.
 */

/** Unsigned LEB128. */
export function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit value. */
export function s32(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A name: length-prefixed UTF-8. */
export function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...u32(bytes.length), ...bytes];
}

/** A vector: count followed by the items' bytes. */
export function vec(items: number[][]): number[] {
  return [...u32(items.length), ...items.flat()];
}

/** A section with its id and size. */
export function section(id: number, contents: number[]): number[] {
  return [id, ...u32(contents.length), ...contents];
}

/** The 8-byte module header. */
export const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** A whole module from its sections' bytes. */
export function wasmModule(...sections: number[][]): Uint8Array {
  return new Uint8Array([...HEADER, ...sections.flat()]);
}

/** Value type bytes. */
export const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;
/** Reference type bytes. */
export const FUNCREF = 0x70, EXTERNREF = 0x6f;

/** A function type. */
export function funcType(params: number[], results: number[]): number[] {
  return [0x60, ...u32(params.length), ...params, ...u32(results.length), ...results];
}

/** A code section entry: locals as [count, type] groups, then the body (without final end). */
export function funcBody(locals: [number, number][], body: number[]): number[] {
  const contents = [...vec(locals.map(([n, t]) => [...u32(n), t])), ...body, 0x0b];
  return [...u32(contents.length), ...contents];
}

/**
 * A module with one type, one function of that type, and its body: the
 * common shape for instruction tests. Extra sections go between the function
 * section and the code section (memory, table, global, export...) and must be
 * given in section order.
 */
export function singleFunction(
  params: number[],
  results: number[],
  body: number[],
  options: { locals?: [number, number][]; sections?: number[][]; after?: number[][] } = {},
): Uint8Array {
  return wasmModule(
    section(1, vec([funcType(params, results)])),
    section(3, vec([[0]])),
    ...(options.sections ?? []),
    section(10, vec([funcBody(options.locals ?? [], body)])),
    ...(options.after ?? []),
  );
}

/** Signed LEB128 of a 64-bit value. */
export function s64(n: bigint): number[] {
  const out: number[] = [];
  n = BigInt.asIntN(64, n);
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
