/**
 * Counts the register instructions the interpreter runs, by op, in one run
 * of the command line, and checks the interpreter loop's split against the
 * counts: `run` (in `lib/interpreter/execute/executor.ts`) keeps the ops
 * programs run often, `executeCold` (`execute/cold_ops.ts`) those they
 * seldom run, each under 0.01% of the interpreted instructions in every
 * measured workload (see `cold_ops.ts`). A development aid, for when ops
 * are added or the workloads change:
 *
 *     deno run -A tools/op_counts.ts [--json=FILE] -- run [cli options] prog.wasm [args]
 *     deno run -A tools/op_counts.ts --report=a.json,b.json [--threshold=0.0001]
 *
 * The first form copies `cli.ts` and `lib/` to a temporary directory, with
 * a count inserted before `run`'s dispatch, runs the command line from
 * there in a child process (tiers and all, as the program would run), and
 * prints the ops by share; `--json` keeps the counts. The second merges
 * saved counts, taking each op's largest share over the workloads, and
 * lists the ops on the wrong side of the split at `--threshold`: in
 * `executeCold` but at or over it in some workload, or in `run` and under
 * it in all (ops kept in `run` on purpose, see `cold_ops.ts`, show there
 * too).
 *
 * @module
 */

import { OP_SPECS } from "../lib/interpreter/ops.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const RUN_START = "  private run(): number {";
const DISPATCH = "          switch (code[pc]) {";
const COUNTS_ENV = "WAZERO_OP_COUNTS";

/** `executor.ts`'s source with a count of each op `run` dispatches, written out at unload. */
export function instrumentRun(executor: string): string {
  const start = executor.indexOf(RUN_START);
  const at = start < 0 ? -1 : executor.indexOf(DISPATCH, start);
  if (at < 0) throw new Error("run's dispatch not found in executor.ts");
  const count = `          OP_COUNTS[code[pc]]++;\n`;
  const setup = [
    "const OP_COUNTS = new Float64Array(1 << 16);",
    `globalThis.addEventListener?.("unload", () => {`,
    `  const out = (globalThis as any).Deno?.env.get("${COUNTS_ENV}");`,
    "  if (out) (globalThis as any).Deno.writeTextFileSync(out, JSON.stringify([...OP_COUNTS]));",
    "});",
    "",
  ].join("\n");
  return setup + executor.slice(0, at) + count + executor.slice(at);
}

/** The ops cased in `source` between the first `from` and the next `to` (the whole source by default). */
export function caseOps(source: string, from = "", to = ""): Set<number> {
  const start = source.indexOf(from);
  const end = to === "" ? source.length : source.indexOf(to, start);
  const ops = new Set<number>();
  for (const m of source.slice(start, end).matchAll(/case (\d+) \/\* \w+ \*\/:/g)) {
    ops.add(Number(m[1]));
  }
  return ops;
}

/** Each op's largest share of the interpreted instructions over `workloads` (counts by op). */
export function maxShares(workloads: readonly number[][]): Map<number, number> {
  const shares = new Map<number, number>();
  for (const counts of workloads) {
    const total = counts.reduce((s, n) => s + n, 0);
    if (total === 0) continue;
    counts.forEach((n, op) => {
      if (n > 0) shares.set(op, Math.max(shares.get(op) ?? 0, n / total));
    });
  }
  return shares;
}

/** The ops on the wrong side of the split at `threshold`, by name. */
export function misplaced(
  shares: ReadonlyMap<number, number>,
  inRun: ReadonlySet<number>,
  inCold: ReadonlySet<number>,
  threshold: number,
): { hotInCold: string[]; coldInRun: string[] } {
  const share = (op: number) => shares.get(op) ?? 0;
  return {
    hotInCold: [...inCold].filter((op) => share(op) >= threshold).map(opName),
    coldInRun: [...inRun].filter((op) => share(op) < threshold).map(opName),
  };
}

/** The register op's name (`OP_SPECS` is indexed by op). */
function opName(op: number): string {
  return OP_SPECS[op]?.[0] ?? `op ${op}`;
}

function percent(x: number): string {
  return `${(100 * x).toPrecision(3)}%`;
}

async function countRun(cliArgs: string[], json: string | undefined): Promise<number[]> {
  const dir = await Deno.makeTempDir({ prefix: "wazero-op-counts-" });
  try {
    await Deno.copyFile(`${ROOT}cli.ts`, `${dir}/cli.ts`);
    await copyTree(`${ROOT}lib`, `${dir}/lib`);
    const executor = `${dir}/lib/interpreter/execute/executor.ts`;
    await Deno.writeTextFile(executor, instrumentRun(await Deno.readTextFile(executor)));
    const out = json ?? `${dir}/counts.json`;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${dir}/cli.ts`, ...cliArgs],
      env: { [COUNTS_ENV]: out },
      stdout: "null",
      stderr: "inherit",
    });
    const { code } = await child.output();
    if (code !== 0) console.error(`(the program exited with ${code})`);
    return JSON.parse(await Deno.readTextFile(out));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyTree(`${from}/${e.name}`, `${to}/${e.name}`);
    else if (e.isFile) await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

async function main(args: string[]): Promise<void> {
  const option = (name: string) =>
    args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const report = option("report");
  if (report !== undefined) {
    const workloads = await Promise.all(
      report.split(",").map(async (f) => JSON.parse(await Deno.readTextFile(f)) as number[]),
    );
    const threshold = Number(option("threshold") ?? 1e-4);
    const executor = await Deno.readTextFile(`${ROOT}lib/interpreter/execute/executor.ts`);
    const cold = await Deno.readTextFile(`${ROOT}lib/interpreter/execute/cold_ops.ts`);
    const found = misplaced(
      maxShares(workloads),
      caseOps(executor, RUN_START, "pc = executeCold("),
      caseOps(cold),
      threshold,
    );
    console.log(`${workloads.length} workloads, threshold ${percent(threshold)}`);
    console.log(`in executeCold, at or over it: ${found.hotInCold.join(" ") || "none"}`);
    console.log(`in run, under it everywhere: ${found.coldInRun.join(" ") || "none"}`);
    return;
  }
  const dash = args.indexOf("--");
  if (dash < 0) {
    console.error("usage: op_counts.ts [--json=FILE] -- run [options] prog.wasm [args]");
    console.error("       op_counts.ts --report=a.json,b.json [--threshold=0.0001]");
    Deno.exit(2);
  }
  const counts = await countRun(args.slice(dash + 1), option("json"));
  const total = counts.reduce((s, n) => s + n, 0);
  console.log(`${total} register instructions interpreted`);
  const rows = counts.map((n, op) => [op, n]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  for (const [op, n] of rows) console.log(`${percent(n / total).padStart(8)}  ${opName(op)}`);
}

if (import.meta.main) await main(Deno.args);
