/**
 * `deno task bench` (or `bun bench/run.ts`): runs every workload in
 * `bench/programs/` on wazero-ts, on the host's native WebAssembly and on
 * polywasm (when it can be imported), each engine next to the others in the
 * same process, checks that all return the expected checksum, prints times and ×native ratios with their
 * geometric mean, then the compile-throughput and micro-benchmarks, and
 * saves everything to `bench/results/<runtime>.json` (render the chart with
 * `deno task bench:chart`).
 *
 * The workload table is measured in `--rounds=N` rounds (default 3); in a
 * round each workload runs in a fresh process, on every engine (so ratios
 * compare engines measured side by side), after a warm-up that lets every
 * JIT reach its top tier. The median round is reported: a JIT's choices and
 * this machine's slow phases move whole processes by up to 1.5×.
 *
 * Options: `--quick` (small scale, one round, a smoke test; saves nothing),
 * `--only=fib,sieve`, `--rounds=N` (1: everything in this process),
 * `--no-polywasm`, `--no-micro`, `--no-compile`, `--i64` (adds
 * bench/numeric_i64.ts), `--no-save`, `--interpret` (wazero-ts with
 * `jsTier: false`, saved as `<runtime>-interpret.json`), `--against=DIR`
 * (another checkout's wazero-ts, imported from `DIR/mod.ts`, runs as a third
 * engine `wazero-ts@<commit>` beside this one's, interleaved in the same
 * processes, with the same options; the ratio of the two is printed and
 * nothing is saved). An A/B comparison of the interpreter with a commit:
 * `git worktree add --detach ../base <commit>`, then
 * `deno task bench --interpret --against=../base --no-polywasm --no-micro --no-compile --rounds=5`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { benchCompile, type CompileResult } from "./compile.ts";
import {
  type Engine,
  nativeEngine,
  polywasmEngine,
  type RunFunction,
  wazeroEngine,
  wazeroEngineFrom,
} from "./engines.ts";
import { type MicroResult, runMicro } from "./micro.ts";
import { benchI64, type I64Result } from "./numeric_i64.ts";
import {
  checkoutLabel,
  geomean,
  gitCommit,
  loadAverage,
  type MachineInfo,
  machineInfo,
  median,
  runtimeName,
  runtimeVersions,
} from "./system.ts";
import { type Workload, WORKLOADS } from "./workloads.ts";
import { benchArgs } from "./args.ts";

/** How one engine did on one workload. */
export interface EngineResult {
  /** ok: every run returned the expected checksum. */
  status: "ok" | "wrong" | "error" | "unsupported";
  /** Median ms per `run(n)` call (when it ran). */
  ms?: number;
  /** Every timed run, ms. */
  runs?: number[];
  /** The first call (cold: compile, JIT tiers not yet reached), ms. */
  firstMs?: number;
  /** Untimed calls before the timed ones (the first included). */
  warmUpCalls?: number;
  /** The checksum returned (on a wrong result: the first wrong one). */
  checksum?: number;
  /** time ÷ native time (the median over the rounds). */
  ratio?: number;
  /** Each round's median ms and ratio (with more than one round). */
  rounds?: { ms: number; ratio?: number }[];
  /** What went wrong. */
  error?: string;
}

/** One workload's row. */
export interface WorkloadResult {
  /** Workload name. */
  name: string;
  /** What it stresses. */
  what: string;
  /** The argument of `run`. */
  n: number;
  /** The expected checksum. */
  expect: number;
  /** Set for a reserved slot that has no program yet. */
  pending?: string;
  /** By engine name. */
  engines: Record<string, EngineResult>;
}

/** The content of `bench/results/<runtime>.json`. */
export interface BenchResults {
  /** ISO date of the run. */
  date: string;
  /** deno, bun or node. */
  runtime: string;
  /** Runtime and engine versions. */
  versions: Record<string, string>;
  /** The machine. */
  machine: MachineInfo;
  /** The git commit checked out (the working tree may have had changes on top). */
  commit?: string;
  /** 1-minute load average at the start and at the end (other processes skew times). */
  load?: { start: number; end: number };
  /** How times were taken. */
  method: string;
  /** Processes the workload table was measured in (see the module doc). */
  rounds?: number;
  /** Engines in column order; skipped ones with the reason. */
  engines: string[];
  /** Engines that could not be loaded, with the reason. */
  skipped: Record<string, string>;
  /** The workload table. */
  workloads: WorkloadResult[];
  /** Geometric mean of ×native over the workloads that engine ran correctly. */
  geomean: Record<string, { ratio: number; workloads: number }>;
  /** Compile throughput. */
  compile?: CompileResult;
  /** Micro-benchmarks. */
  micro?: MicroResult[];
  /** The i64 helper micro-benchmark (with `--i64`). */
  i64?: I64Result[];
}

const args = process.argv.slice(2);
const { option, flag } = benchArgs({
  options: ["only", "rounds", "against"],
  flags: [
    "quick",
    "no-polywasm",
    "no-micro",
    "no-compile",
    "i64",
    "no-save",
    "interpret",
    "child",
    "child-compile",
  ],
  usage: "usage: deno task bench [--quick] [--only=fib,sieve] [--rounds=N] [--no-polywasm] " +
    "[--no-micro] [--no-compile] [--i64] [--no-save] [--interpret] [--against=DIR] " +
    "(see bench/run.ts)",
}, args);
const only = option("only")?.split(",");
const quick = flag("quick");
const here = dirname(fileURLToPath(import.meta.url));
/** `--against=DIR`: another checkout to compare with (see the module doc). */
const againstArg = option("against");
const againstDir = againstArg === undefined ? undefined : resolve(againstArg);
const againstName = againstDir === undefined
  ? undefined
  : `wazero-ts@${checkoutLabel(againstDir, join(here, ".."))}`;

/**
 * Set in a round's child process, which prints its measurement as JSON:
 * `--child` measures the workloads, `--child-compile` the compile throughput.
 */
const childCompile = flag("child-compile");
const child = flag("child") || childCompile;
const rounds = quick || child ? 1 : Math.max(1, Number(option("rounds") ?? 3) || 1);
/** Progress lines: on stderr in a child, whose stdout carries the results. */
const log = child ? console.error : console.log;

function fmtMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

function fmtRatio(r: number): string {
  return r >= 10 ? r.toFixed(1) : r.toFixed(2);
}

/**
 * Untimed calls of `run(n)` before timing, per engine and workload: at least
 * {@link WARM_UP_CALLS} calls and this long. The interpreter's loop is one
 * large function, which both JITs take seconds to optimise fully:
 * JavaScriptCore compiles it with its top tier (FTL) after about a second of
 * running, in a background compilation of half a second; V8 runs it in its
 * mid tier (Maglev), up to 2× slower, before TurboFan. The same for every
 * engine; the first call is kept as `firstMs`.
 */
const WARM_UP_MS = 2000;
const WARM_UP_CALLS = 3;
/** About this long of timed calls per workload, all engines together (5 to 21 turns). */
const TIMED_MS = 2500;

/** An engine that loaded a workload and passed its warm-up, ready for timed calls. */
interface Contender {
  name: string;
  run: RunFunction;
  firstMs: number;
  warmUpCalls: number;
  /** The last warm-up call, ms. */
  lastMs: number;
  runs: number[];
  /** Set when a timed call failed. */
  failed?: EngineResult;
}

function wrongResult(got: number, expect: number): EngineResult {
  return { status: "wrong", checksum: got, error: `returned ${got}, expected ${expect}` };
}

/**
 * The untimed calls: at least {@link WARM_UP_CALLS} and {@link WARM_UP_MS};
 * returns what the timed phase needs, or the failure.
 */
function warmUp(
  name: string,
  run: RunFunction,
  n: number,
  expect: number,
): Contender | EngineResult {
  const warmUpMs = quick ? 0 : WARM_UP_MS;
  const t0 = performance.now();
  let firstMs = 0, last = 0, warmUpCalls = 0;
  do {
    const t = performance.now();
    const got = run(n);
    last = performance.now() - t;
    if (warmUpCalls++ === 0) firstMs = last;
    if (got !== expect) return wrongResult(got, expect);
  } while (warmUpCalls < WARM_UP_CALLS || performance.now() - t0 < warmUpMs);
  return { name, run, firstMs, warmUpCalls, lastMs: last, runs: [] };
}

/**
 * The timed calls, interleaved: each turn calls every engine once, so that a
 * slow phase of the machine (they last seconds, and slow everything down by
 * up to 1.5×) falls on all engines alike instead of on one engine's block of
 * calls. Every checksum is checked.
 */
function timeInterleaved(contenders: Contender[], n: number, expect: number): void {
  const perTurn = contenders.reduce((sum, c) => sum + c.lastMs, 0);
  const turns = Math.max(5, Math.min(21, Math.round(TIMED_MS / Math.max(perTurn, 1))));
  for (let turn = 0; turn < turns; turn++) {
    for (const c of contenders) {
      if (c.failed) continue;
      try {
        const t = performance.now();
        const got = c.run(n);
        c.runs.push(performance.now() - t);
        if (got !== expect) c.failed = wrongResult(got, expect);
      } catch (e) {
        c.failed = { status: "error", error: errorText(e) };
      }
    }
  }
}

function errorText(e: unknown): string {
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return msg.split("\n")[0];
}

async function runWorkload(w: Workload, engines: Engine[]): Promise<WorkloadResult> {
  const n = quick ? w.quickN : w.n;
  const expect = quick ? w.expectQuick : w.expect;
  const row: WorkloadResult = { name: w.name, what: w.what, n, expect, engines: {} };
  if (w.pending) {
    row.pending = w.pending;
    return row;
  }
  const file = join(here, "programs", `${w.name}.wasm`);
  const bytes = new Uint8Array(readFileSync(file));
  const contenders: Contender[] = [];
  for (const engine of engines) {
    try {
      const warm = warmUp(engine.name, await engine.load(bytes), n, expect);
      if ("status" in warm) row.engines[engine.name] = warm;
      else contenders.push(warm);
    } catch (e) {
      const text = errorText(e);
      const unsupported = engine.name === "polywasm" &&
        /unsupported|not supported|simd/i.test(text);
      row.engines[engine.name] = { status: unsupported ? "unsupported" : "error", error: text };
    }
  }
  timeInterleaved(contenders, n, expect);
  for (const c of contenders) {
    row.engines[c.name] = c.failed ?? {
      status: "ok",
      ms: median(c.runs),
      runs: c.runs,
      firstMs: c.firstMs,
      warmUpCalls: c.warmUpCalls,
      checksum: expect,
    };
  }
  for (const engine of engines) {
    const result = row.engines[engine.name];
    const detail = result.status === "ok"
      ? `${fmtMs(result.ms!)} ms`
      : `${result.status.toUpperCase()}: ${result.error}`;
    log(`  ${w.name.padEnd(8)} ${engine.name.padEnd(10)} ${detail}`);
  }
  const native = row.engines.native;
  if (native?.status === "ok") {
    for (const r of Object.values(row.engines)) {
      if (r.status === "ok") r.ratio = r.ms! / native.ms!;
    }
  }
  return row;
}

function printTable(results: BenchResults): void {
  const names = results.engines;
  const header = [
    "workload",
    "n",
    ...names.flatMap((e) => e === "native" ? ["native ms"] : [`${e} ms`, "×native"]),
  ];
  const rows: string[][] = [];
  for (const w of results.workloads) {
    if (w.pending) {
      rows.push([
        w.name,
        "-",
        ...names.flatMap((e) => e === "native" ? ["(pending)"] : ["", ""]),
      ]);
      continue;
    }
    const cells = [w.name, String(w.n)];
    for (const e of names) {
      const r = w.engines[e];
      const main = r === undefined
        ? "-"
        : r.status === "ok"
        ? fmtMs(r.ms!)
        : r.status === "unsupported"
        ? "unsupported"
        : `FAIL: ${r.status}`;
      cells.push(main);
      if (e !== "native") cells.push(r?.ratio !== undefined ? `${fmtRatio(r.ratio)}×` : "-");
    }
    rows.push(cells);
  }
  const gm = ["geomean", ""];
  for (const e of names) {
    if (e === "native") {
      gm.push("1.00×");
      continue;
    }
    const g = results.geomean[e];
    gm.push("", g ? `${fmtRatio(g.ratio)}×` : "-");
  }
  rows.push(gm);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    "| " + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") +
    " |";
  console.log(line(header));
  console.log(
    "|" + widths.map((w, i) => (i < 2 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") +
      "|",
  );
  for (const r of rows) console.log(line(r));
  const failing = results.workloads.flatMap((w) =>
    Object.entries(w.engines).filter(([, r]) => r.status === "wrong" || r.status === "error")
      .map(([e, r]) => `${w.name} on ${e}: ${r.error}`)
  );
  for (const f of failing) console.log(`FAILING: ${f}`);
}

/**
 * `--against`: the other checkout's time over this one's, per workload (from
 * the same process) and as a geometric mean.
 */
function printAgainst(results: BenchResults, against: string): void {
  const ratios: string[] = [];
  const all: number[] = [];
  for (const w of results.workloads) {
    const a = w.engines["wazero-ts"], b = w.engines[against];
    if (a?.status !== "ok" || b?.status !== "ok") continue;
    ratios.push(`${w.name} ${fmtRatio(b.ms! / a.ms!)}×`);
    all.push(b.ms! / a.ms!);
  }
  if (all.length === 0) return;
  console.log(
    `\n${against} ÷ wazero-ts (time): ${fmtRatio(geomean(all))}× geomean; ${ratios.join(", ")}`,
  );
}

/** The workload table as one process measured it. */
interface Table {
  engines: string[];
  skipped: Record<string, string>;
  workloads: WorkloadResult[];
}

/** Measures every engine on every workload in this process. */
async function measureHere(): Promise<Table> {
  const engines: Engine[] = [];
  const skipped: Record<string, string> = {};
  const native = nativeEngine();
  if (native) engines.push(native);
  else skipped.native = "no WebAssembly object in this runtime (ratios unavailable)";
  const config = flag("interpret") ? { jsTier: false } : {};
  engines.push(wazeroEngine(config));
  if (againstDir !== undefined) {
    engines.push(await wazeroEngineFrom(againstDir, config, againstName!));
  }
  if (flag("no-polywasm")) skipped.polywasm = "--no-polywasm";
  else {
    const p = await polywasmEngine();
    if (typeof p === "string") skipped.polywasm = p;
    else engines.push(p);
  }
  if (!child) logSkipped(skipped);
  if (!child) log("workloads (ms per run(n), median):");
  const workloads: WorkloadResult[] = [];
  for (const w of WORKLOADS) {
    if (only && !only.includes(w.name)) continue;
    workloads.push(await runWorkload(w, engines));
  }
  for (const e of engines) e.close();
  return { engines: engines.map((e) => e.name), skipped, workloads };
}

/**
 * Runs this script in a fresh process of this runtime with `mode` (`--child`:
 * {@link measureHere}; `--child-compile`: the compile benchmark) and returns
 * what it printed as JSON.
 */
function measureInChild<T>(round: number, mode: string, extra: string[] = []): T {
  const script = fileURLToPath(import.meta.url);
  const pass = [
    ...args.filter((a) =>
      a === "--no-polywasm" || a === "--interpret" || a.startsWith("--against=")
    ),
    ...extra,
  ];
  const argv = runtimeName() === "deno"
    ? [
      "run",
      "--no-lock",
      "--allow-read",
      "--allow-env",
      "--allow-sys=cpus,systemMemoryInfo,loadavg",
      script,
      mode,
      ...pass,
    ]
    : [script, mode, ...pass];
  const r = spawnSync(process.execPath, argv, {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (!r.stdout) {
    throw new Error(`round ${round}: the child process failed (${r.error ?? `exit ${r.status}`})`);
  }
  return JSON.parse(r.stdout) as T;
}

function logSkipped(skipped: Record<string, string>): void {
  for (const [e, why] of Object.entries(skipped)) log(`skipping ${e}: ${why}`);
}

/**
 * One round of the workload table: each workload in a fresh process, so
 * that the JIT's picture of the interpreter is that workload's alone (and no
 * workload inherits code a JIT tuned for the one before).
 */
function measureRound(round: number): Table {
  const names = WORKLOADS.map((w) => w.name).filter((name) => !only || only.includes(name));
  const parts = names.map((name) => measureInChild<Table>(round, "--child", [`--only=${name}`]));
  return { ...parts[0], workloads: parts.flatMap((t) => t.workloads) };
}

/**
 * One row per workload from several rounds: the round whose wazero-ts ratio
 * is the median (the lower one of an even count), so that every number in a
 * row comes from the same process; any failure in any round is kept.
 */
function medianRound(tables: Table[]): WorkloadResult[] {
  return tables[0].workloads.map((first, i) => {
    const rows = tables.map((t) => t.workloads[i]);
    const failed = rows.find((w) =>
      Object.values(w.engines).some((r) => r.status === "wrong" || r.status === "error")
    );
    if (failed !== undefined || first.pending) return failed ?? first;
    const key = (w: WorkloadResult) => w.engines["wazero-ts"]?.ratio ?? w.engines["wazero-ts"]?.ms;
    const sorted = [...rows].sort((a, b) => (key(a) ?? 0) - (key(b) ?? 0));
    const chosen = sorted[(sorted.length - 1) >> 1];
    const row: WorkloadResult = { ...chosen, engines: {} };
    for (const [name, r] of Object.entries(chosen.engines)) {
      row.engines[name] = {
        ...r,
        rounds: rows.map((w) => ({ ms: w.engines[name].ms!, ratio: w.engines[name].ratio })),
      };
    }
    return row;
  });
}

function geomeans(table: Table): Record<string, { ratio: number; workloads: number }> {
  const out: Record<string, { ratio: number; workloads: number }> = {};
  for (const e of table.engines) {
    if (e === "native") continue;
    const ratios = table.workloads.map((w) => w.engines[e]?.ratio).filter((r): r is number =>
      r !== undefined
    );
    if (ratios.length > 0) out[e] = { ratio: geomean(ratios), workloads: ratios.length };
  }
  return out;
}

async function main(): Promise<void> {
  if (childCompile) {
    console.log(JSON.stringify(await benchCompile(4, 7, console.error)));
    return;
  }
  if (child) {
    console.log(JSON.stringify(await measureHere()));
    return;
  }
  const versions = runtimeVersions();
  const machine = machineInfo();
  console.log(
    `wazero-ts benchmarks on ${
      Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(", ")
    }; ` +
      `${machine.cpu}, ${machine.cores} cores${
        quick ? " (quick mode: small scale, not saved)" : ""
      }`,
  );
  const loadStart = loadAverage();
  let table: Table;
  if (rounds === 1) {
    console.log();
    table = await measureHere();
  } else {
    const tables: Table[] = [];
    for (let round = 1; round <= rounds; round++) {
      console.log(`\nround ${round} of ${rounds} (a fresh process per workload):`);
      tables.push(measureRound(round));
      if (round === 1) logSkipped(tables[0].skipped);
      const g = geomeans(tables[round - 1]);
      console.log(
        `round ${round} geomean: ` +
          Object.entries(g).map(([e, { ratio }]) => `${e} ${fmtRatio(ratio)}×`).join(", "),
      );
    }
    table = { ...tables[0], workloads: medianRound(tables) };
  }

  const results: BenchResults = {
    date: new Date().toISOString(),
    runtime: runtimeName(),
    versions,
    machine,
    commit: gitCommit(join(here, "..")),
    load: { start: loadStart, end: NaN },
    method: (rounds === 1 ? "one process" : `${rounds} fresh processes (rounds)`) +
      (rounds === 1 ? "" : ", each workload in a fresh process") +
      `; per round, engine and workload: instantiate, untimed warm-up calls of run(n) ` +
      `(at least ${WARM_UP_CALLS} and ${WARM_UP_MS} ms), then the median of 5–21 timed calls, ` +
      `interleaved with the other engines' (one call of each per turn, about ${TIMED_MS} ms in all); ` +
      "ratio = engine time ÷ native time in the same process" +
      (rounds === 1 ? "" : "; each row is the round with the median wazero-ts ratio") +
      "; every call's checksum is checked" +
      (flag("interpret") ? "; wazero-ts with jsTier: false (interpreter only)" : ""),
    rounds,
    engines: table.engines,
    skipped: table.skipped,
    workloads: table.workloads,
    geomean: geomeans(table),
  };
  console.log();
  printTable(results);

  if (!flag("no-compile")) {
    console.log("\ncompile throughput:");
    if (rounds === 1) results.compile = await benchCompile(quick ? 1 : 4);
    else {
      // Like the workloads: a fresh process per round, the median round reported.
      const all: CompileResult[] = [];
      for (let round = 1; round <= rounds; round++) {
        all.push(measureInChild<CompileResult>(round, "--child-compile"));
      }
      const sorted = [...all].sort((a, b) => a.mbPerSecond - b.mbPerSecond);
      results.compile = {
        ...sorted[(sorted.length - 1) >> 1],
        rounds: all.map((c) => c.mbPerSecond),
      };
      console.log(
        `compile: the median of ${rounds} rounds (MB/s: ${
          all.map((c) => c.mbPerSecond.toFixed(1)).join(", ")
        }) is ${results.compile.mbPerSecond.toFixed(1)} MB/s`,
      );
    }
  }
  if (!flag("no-micro")) {
    console.log("\nmicro-benchmarks (wazero-ts | native):");
    results.micro = await runMicro();
    for (const m of results.micro) {
      const nat = m.native === undefined
        ? ""
        : ` | native ${m.native.toFixed(m.native < 10 ? 2 : 1)}`;
      console.log(
        `  ${m.name.padEnd(52)} ${m.ours.toFixed(m.ours < 10 ? 2 : 1).padStart(8)} ${m.unit}${nat}`,
      );
    }
  }
  if (flag("i64")) {
    console.log("\ni64 helpers:");
    results.i64 = benchI64();
  }

  results.load!.end = loadAverage();
  const busy = Math.max(results.load!.start, results.load!.end);
  if (busy > machine.cores) {
    console.log(
      `\nnote: the load average reached ${busy.toFixed(2)} on ${machine.cores} cores: ` +
        "other processes were running, times may be inflated",
    );
  }
  if (againstName !== undefined) printAgainst(results, againstName);
  if (!quick && !flag("no-save") && againstDir === undefined) {
    const dir = join(here, "results");
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    const file = join(dir, `${results.runtime}${flag("interpret") ? "-interpret" : ""}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2) + "\n");
    renameSync(`${file}.tmp`, file);
    console.log(`\nsaved ${file} (chart: deno task bench:chart)`);
  }
  const failed = results.workloads.some((w) =>
    Object.values(w.engines).some((r) => r.status === "wrong" || r.status === "error")
  );
  if (failed) process.exitCode = 1;
}

await main();
