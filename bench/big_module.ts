/**
 * Generates a large, valid module for compile-throughput measurements: many
 * functions whose bodies mix the instruction kinds real compilers emit
 * (locals, arithmetic, memory access, blocks and loops, branches, calls).
 */

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function section(id: number, contents: number[]): number[] {
  return [id, ...leb(contents.length), ...contents];
}

/** One function body: (param i32 i32) (result i32) with 4 extra locals. */
function body(seed: number, functionCount: number): number[] {
  const code: number[] = [];
  const I32_CONST = 0x41, LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22;
  for (let k = 0; k < 20; k++) {
    // block $out loop $top ... br_if $top end end
    code.push(0x02, 0x40, 0x03, 0x40);
    code.push(LOCAL_GET, 0, LOCAL_GET, 1, 0x6a, I32_CONST, (seed + k) & 0x3f, 0x6c, LOCAL_SET, 2);
    code.push(LOCAL_GET, 2, 0x28, 0x02, ...leb(k * 4), LOCAL_TEE, 3); // i32.load offset
    code.push(LOCAL_GET, 0, 0x73, LOCAL_SET, 4); // xor
    code.push(LOCAL_GET, 2, LOCAL_GET, 4, 0x36, 0x02, 0x00); // i32.store
    code.push(LOCAL_GET, 4, 0xad, 0x42, 0x07, 0x7e, 0xa7, LOCAL_SET, 5); // i64 mul, wrap
    code.push(LOCAL_GET, 5, LOCAL_GET, 1, 0x10, ...leb((seed + k + 1) % functionCount), 0x1a);
    code.push(LOCAL_GET, 0, I32_CONST, 1, 0x6b, LOCAL_TEE, 0, 0x45, 0x0d, 1); // br_if $out
    code.push(LOCAL_GET, 3, 0x0d, 0); // br_if $top
    code.push(0x0b, 0x0b);
  }
  code.push(LOCAL_GET, 5, 0x0b);
  const locals = [1, 4, 0x7f];
  const contents = [...locals, ...code];
  return [...leb(contents.length), ...contents];
}

/** Builds a module of about `targetBytes` bytes of code. */
export function bigModule(
  targetBytes: number,
): { bytes: Uint8Array; codeBytes: number; functions: number } {
  const sample = body(0, 1).length;
  const n = Math.max(1, Math.floor(targetBytes / sample));
  const bodies: number[][] = [];
  for (let i = 0; i < n; i++) bodies.push(body(i, n));
  const codeContents: number[] = [...leb(n)];
  for (const b of bodies) for (const x of b) codeContents.push(x);
  const funcs: number[] = [...leb(n)];
  for (let i = 0; i < n; i++) funcs.push(0);
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f]),
    ...section(3, funcs),
    ...section(5, [1, 0, 1]),
  ];
  const code = section(10, codeContents);
  const out = new Uint8Array(bytes.length + code.length);
  out.set(bytes);
  out.set(code, bytes.length);
  return { bytes: out, codeBytes: codeContents.length, functions: n };
}
