/**
 * Generates `lib/interpreter/js_tier/js_ops.ts`: the `case` bodies of the executor's
 * switch, of the switch of seldom-run ops it hands its `default` to
 * (`cold_ops.ts`) and of the own-SIMD-op switch it hands some ops to
 * (`simd_ops.ts`), as source templates for the JavaScript tier
 * (`js_tier.ts`), so that compiled functions run exactly the code the
 * interpreter runs, minus the dispatch.
 *
 * Run `deno run -A tools/gen_js_ops.ts` after changing a case in
 * any of them; `js_tier_test.ts` fails while the file is out of date.
 *
 * A body is taken when it only reads the loop's state: bodies that switch
 * functions, frames or memory views (calls, returns, `memory.grow`) or that
 * leave `run` stay with the interpreter (the tier returns to it there).
 *
 * @module
 */

/** Where the generated file goes, relative to the repository root. */
export const JS_OPS_PATH = "lib/interpreter/js_tier/js_ops.ts";
/** The sources it is generated from. */
export const EXECUTOR_PATH = "lib/interpreter/execute/executor.ts";
export const SIMD_OPS_PATH = "lib/interpreter/simd/simd_ops.ts";
export const COLD_OPS_PATH = "lib/interpreter/execute/cold_ops.ts";
/**
 * A body that assigns to `run`'s state (by `=`, a compound assignment, `++`
 * or `--`), uses `run`'s other locals, returns or continues stays with `run`.
 */
const LOOP_STATE =
  /(^|[^.\w])(R|F32|F64|mem|inst|globals|code|fn|depth|b|budget)\s*(=(?!=)|[-+*/%&|^]=|<<=|>>>?=|\+\+|--)|(\+\+|--)\s*(R|F32|F64|mem|inst|globals|code|fn|depth|b|budget)\b|\b(fns|pcs|fps|maxDepth|jsTierHeat)\b|\breturn\b|\bcontinue\b|this\.#/;
/**
 * The generated function's parameters and locals (`js_tier.ts`): a body that
 * declared one would hide it from the code around the body.
 */
const RESERVED = [
  "m",
  "fn",
  "R",
  "F32",
  "F64",
  "mem",
  "globals",
  "inst",
  "refs",
  "code",
  "b",
  "pc",
  "budget",
  "depth",
  "fuel",
  "BLOCK",
];

/** One generated entry: a body template, and how control may leave it. */
interface Template {
  op: number;
  name: string;
  body: string;
  /** 0: falls through to the next instruction; 1: may jump forward; 2: may jump backward too. */
  jumps: number;
}

/**
 * The executor's templates and those of its cold ops (`cold_ops.ts`), with
 * those of the ops it hands to `runSimdOp` replaced by that function's own
 * case bodies.
 */
export function allTemplates(executor: string, simdOps: string, coldOps: string): Extracted {
  const main = extractTemplates(executor);
  if (main.rare === "") throw new Error("the executor's default case was not found");
  const cold = extractTemplates(coldOps, 2);
  if (cold.exits.length > 0) throw new Error(`cold cases left out: ${cold.exits}`);
  const simd = extractTemplates(simdCases(simdOps), 4);
  if (simd.exits.length > 0) throw new Error(`runSimdOp cases left out: ${simd.exits}`);
  const own = new Map(simd.templates.map((t) => [t.op, t]));
  const templates = [...main.templates, ...cold.templates].map((t) => own.get(t.op) ?? t)
    .sort((x, y) => x.op - y.op);
  return { ...main, templates };
}

/**
 * `runSimdOp`'s source with its cases in the executor's form: a case there
 * goes on to the next op with `continue` (a run of ops in one call), and an
 * op that may trap first checks that it is the call's first op; in a
 * template it is one op, which ends with `break`.
 */
function simdCases(source: string): string {
  return source.split("\n")
    .filter((l) => !/^\s*if \(pc !== first\) return pc;/.test(l))
    // Only a `continue` that is a whole line: one inside an `if` would become an unconditional break.
    .map((l) => l.replace(/^(\s*)continue;$/, "$1break;"))
    .join("\n");
}

/**
 * The templates, the ops whose cases stay with the interpreter, and the
 * `default` body when it goes on to the next op (the executor's, rare ops).
 */
interface Extracted {
  templates: Template[];
  exits: number[];
  rare: string;
}

/**
 * Cuts a `switch (code[pc])` whose line starts with `indent` spaces into case
 * groups and turns the eligible ones into templates (cases in the executor's
 * form, ending with `pc += n; break`: see {@link simdCases}).
 */
export function extractTemplates(source: string, indent = 10): Extracted {
  const CASE_LINE = new RegExp(`^ {${indent + 2}}case (\\d+) \\/\\* (\\w+) \\*\\/:`);
  const DEFAULT_LINE = new RegExp(`^ {${indent + 2}}default:`);
  const END_OF_SWITCH = new RegExp(`^ {${indent}}\\}`);
  const lines = source.split("\n");
  const start = lines.findIndex((l) =>
    new RegExp(`^ {${indent}}switch \\(code\\[pc\\]\\) \\{$`).test(l)
  );
  if (start < 0) throw new Error("the switch was not found");
  const out: Template[] = [];
  const exits: number[] = [];
  let rare: string | null = null;
  let inDefault = false;
  let ops: [number, string][] = [];
  let body: string[] = [];
  const flush = () => {
    const template = toTemplate(body);
    if (inDefault) {
      // `cold_ops.ts` returns from its default: that switch has no rare body of its own.
      if (template !== null && template.jumps === 1) rare = template.body;
    } else if (template !== null) {
      for (const [op, name] of ops) {
        out.push({ op, name, body: template.body, jumps: template.jumps });
      }
    } else {
      for (const [op] of ops) exits.push(op);
    }
    ops = [];
    inDefault = false;
    body = [];
  };
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    if (END_OF_SWITCH.test(line)) break;
    const c = CASE_LINE.exec(line);
    if (c !== null || DEFAULT_LINE.test(line)) {
      if (body.length > 0) flush();
      if (c === null) {
        inDefault = true;
        continue;
      }
      ops.push([Number(c[1]), c[2]]);
      const rest = line.slice(c[0].length).trim();
      if (rest !== "") body.push(rest);
      continue;
    }
    if (ops.length > 0 || inDefault) body.push(line.trim());
  }
  flush();
  return {
    templates: out.sort((x, y) => x.op - y.op),
    exits: exits.sort((x, y) => x - y),
    rare: rare ?? "",
  };
}

function toTemplate(lines: string[]): { body: string; jumps: number } | null {
  let text = lines.filter((l) => !l.startsWith("//")).join("\n").trim();
  if (text.startsWith("{") && text.endsWith("}")) text = text.slice(1, -1).trim();
  if (LOOP_STATE.test(text)) return null;
  for (const name of RESERVED) {
    if (new RegExp(`\\b(const|let)\\s+${name}\\b|,\\s*${name}\\s*=(?!=)`).test(text)) {
      throw new Error(`a case body declares "${name}", a name of the generated code: rename it`);
    }
  }
  const loops = /\b(for|while|do|switch)\b/.test(text);
  const breaks = text.match(/\bbreak\b/g)?.length ?? 0;
  // A `break` inside a loop of the body would mean that loop, not the case.
  if (loops && !(breaks === 1 && /\bbreak;$/.test(text))) return null;
  const backward = /\bbreak interrupt;/.test(text);
  const jumps = backward ? 2 : /\bpc = /.test(text) ? 1 : 0;
  // Straight-line code needs no `pc` of its own: the next instruction comes next.
  if (jumps === 0) text = text.replace(/\bpc \+= \d+;\s*break;$/, "").trim();
  const body = text
    .replace(/\bcode\[pc \+ (\d+)\]/g, "@$1")
    .replace(/\bcode\[pc\]/g, "@0")
    .replace(/\bbreak interrupt;/g, "break @L;")
    .replace(/\bbreak;/g, "break @L;")
    .replace(/\bthis\b/g, "m");
  return { body, jumps };
}

/** The whole generated module. */
export function generateJsOps(executor: string, simdOps: string, coldOps: string): string {
  const { templates, exits, rare } = allTemplates(executor, simdOps, coldOps);
  const rows = templates.map((t) =>
    `  [${t.op}, ${t.jumps}, ${JSON.stringify(t.body)}], // ${t.name}`
  );
  return `// Generated by tools/gen_js_ops.ts from executor.ts, cold_ops.ts and simd_ops.ts; do not edit.
// deno-fmt-ignore-file

/**
 * The interpreter's case bodies as templates for the JavaScript tier: op
 * number, how control may leave (0 falls through, 1 may jump forward, 2 may
 * jump backward), and the body, where \`@k\` is operand word k (\`@0\` the op)
 * and \`@L\` the label that ends the instruction. Ops not listed stay with the
 * interpreter.
 *
 * @module
 */

/** \`[op, jumps, body]\` for every op the JavaScript tier compiles. */
export const JS_OP_TEMPLATES: readonly (readonly [number, number, string])[] = [
${rows.join("\n")}
];

/** Ops whose cases change the loop's state (calls, returns, \`memory.grow\`): the tier returns to \`run\` there. */
export const JS_EXIT_OPS: readonly number[] = [${exits.join(", ")}];

/** The body of every other op (the interpreter's \`default\`: rare ops, which may jump forward). */
export const JS_RARE_TEMPLATE: string = ${JSON.stringify(rare)};
`;
}

if (import.meta.main) {
  const { readFileSync, writeFileSync } = await import("node:fs");
  const root = new URL("../", import.meta.url);
  const executor = readFileSync(new URL(EXECUTOR_PATH, root), "utf8");
  const simdOps = readFileSync(new URL(SIMD_OPS_PATH, root), "utf8");
  const coldOps = readFileSync(new URL(COLD_OPS_PATH, root), "utf8");
  writeFileSync(new URL(JS_OPS_PATH, root), generateJsOps(executor, simdOps, coldOps));
  const count = allTemplates(executor, simdOps, coldOps).templates.length;
  console.log(`wrote ${JS_OPS_PATH}: ${count} ops`);
}
