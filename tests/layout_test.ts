// The architecture's one-way data flow, checked on the sources: bytes → module → compiled code →
// instance, and nothing reaches back up. Value imports only (`import type` erases).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const LIB = resolve(dirname(fileURLToPath(import.meta.url)), "../lib");

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** The files `file` imports values from (relative specifiers, resolved). */
function valueImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/^(import|export)\s([^;]*?)\sfrom\s+"(\.[^"]+)"/gms)) {
    if (/^type\s/.test(m[2])) continue;
    out.push(resolve(dirname(file), m[3]));
  }
  return out;
}

const FILES = sources(LIB);
const GRAPH = new Map(FILES.map((f) => [f, valueImports(f).filter((d) => FILES.includes(d))]));

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>(), found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(relative(LIB, w).replaceAll("\\", "/"));
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

test("no file in lib/ imports values from a file that (through others) imports it", () => {
  assert.ok(FILES.length > 100, `found ${FILES.length} sources under ${LIB}`);
  assert.deepEqual(cycles(GRAPH), []);
});

test("the cycle finder finds a cycle", () => {
  const graph = new Map([
    [join(LIB, "a.ts"), [join(LIB, "b.ts")]],
    [join(LIB, "b.ts"), [join(LIB, "c.ts")]],
    [join(LIB, "c.ts"), [join(LIB, "a.ts")]],
    [join(LIB, "d.ts"), [join(LIB, "a.ts")]],
  ]);
  assert.deepEqual(cycles(graph), [["a.ts", "b.ts", "c.ts"]]);
});

/** Each folder of lib/ and the folders it may import values from (lower layers only). */
const LAYERS: Record<string, string[]> = {
  binary: [],
  validate: ["binary"],
  text: ["binary"],
  host: [],
  interpreter: ["binary", "validate", "host"],
  runtime: ["binary", "validate", "text", "host", "interpreter"],
  wasi: ["host", "runtime"],
  cli: ["host", "runtime", "text", "wasi"],
  webassembly: ["binary", "validate", "interpreter", "runtime"],
};

test("folders of lib/ import values only from the layers below them", () => {
  const wrong: string[] = [];
  for (const [file, deps] of GRAPH) {
    const from = relative(LIB, file).split(/[\\/]/);
    if (from.length === 1) continue; // errors.ts and other shared leaves at the top of lib/
    const allowed = LAYERS[from[0]];
    assert.ok(allowed !== undefined, `lib/${from[0]} is missing from LAYERS`);
    for (const dep of deps) {
      const to = relative(LIB, dep).split(/[\\/]/);
      if (to.length === 1 || to[0] === from[0] || allowed.includes(to[0])) continue;
      wrong.push(`${from.join("/")} → ${to.join("/")}`);
    }
  }
  assert.deepEqual(wrong, []);
});
