/**
 * Runs the command line (`cli.ts`) under V8's sampling profiler on Deno and
 * writes a `.cpuprofile` (readable by Chrome's DevTools), then prints where
 * the time went: by part of the runtime (the interpreter loop, the
 * structured tier's generated functions, calls into them, the compilers...)
 * and by function. A development aid for the real programs of
 * `bench/real_programs.ts`; the profiler slows the run by about a tenth.
 *
 *     deno run -A tools/profile_cli.ts [--out=FILE] [--top=N] -- run [cli options] prog.wasm [args]
 *
 * Without `--out`, the profile goes to `cli.cpuprofile` in the working
 * directory. `deno run -A tools/profile_cli.ts --summary=FILE` prints the
 * summary of a profile written before. Line numbers are those of the
 * JavaScript Deno runs (the TypeScript with its types stripped), and the
 * generated functions are named `w<function index>` (`_at<offset>` for a
 * loop entry).
 *
 * @module
 */

import { Session } from "node:inspector";
import { cliHost } from "../lib/cli/host_io.ts";
import { main } from "../lib/cli/main.ts";

/** A `.cpuprofile`: the call tree's nodes, and which node each sample was in. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** The part of the runtime a function belongs to (a row of the summary). */
function partOf(name: string, url: string): string {
  if (/^w\d+/.test(name)) return "structured tier: generated functions";
  if (name === "entryAdapter" || name === "#enterCompiled" || name === "runUntilStopped") {
    return "calls from interpreted into compiled code";
  }
  if (name === "run" && url.endsWith("/execute/executor.ts")) return "interpreter loop (run)";
  if (name === "(garbage collector)") return "garbage collection";
  const lib = url.split("/lib/")[1];
  if (lib === undefined) return url === "" ? name : "outside lib/";
  const folder = lib.split("/").slice(0, -1).join("/");
  return `lib/${folder}`;
}

/** Prints the shares of the runtime's parts and of the `top` functions with most samples. */
function summarize(profile: CpuProfile, top: number): void {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const parts = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const frame = nodes.get(profile.samples[i])!;
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const part = partOf(frame.functionName, frame.url);
    parts.set(part, (parts.get(part) ?? 0) + us);
    const file = frame.url.split("/").slice(-2).join("/");
    const fn = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const rows = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) =>
      `${(us / 1000).toFixed(0).padStart(8)} ms ${(100 * us / total).toFixed(1).padStart(5)}%  ${k}`
    ).join("\n");
  console.error(`sampled ${(total / 1e6).toFixed(2)} s\n\nby part:\n${rows(parts, 20)}`);
  console.error(`\nby function:\n${rows(functions, top)}`);
}

const args = Deno.args;
const option = (name: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const top = Number(option("top") ?? 25);
const summary = option("summary");
if (summary !== undefined) {
  summarize(JSON.parse(Deno.readTextFileSync(summary)) as CpuProfile, top);
  Deno.exit(0);
}
const dash = args.indexOf("--");
if (dash < 0) {
  console.error("usage: profile_cli.ts [--out=FILE] [--top=N] -- run [options] prog.wasm [args]");
  Deno.exit(2);
}
const out = option("out") ?? "cli.cpuprofile";

const session = new Session();
session.connect();
session.post("Profiler.enable");
session.post("Profiler.setSamplingInterval", { interval: 250 });
session.post("Profiler.start");

// The command line ends with Deno.exit (a WASI proc_exit too), which would end the process
// before the profiler's answer, which comes asynchronously: the first exit stops the profiler,
// writes the profile and exits then.
const exit = Deno.exit;
let exiting = false;
(Deno as { exit: (code?: number) => never }).exit = (code?: number): never => {
  if (!exiting) {
    exiting = true;
    session.post("Profiler.stop", (error, result) => {
      if (error) console.error(error);
      else {
        Deno.writeTextFileSync(out, JSON.stringify(result.profile));
        console.error(`\nprofile written to ${out}`);
        summarize(result.profile as unknown as CpuProfile, top);
      }
      exit(code);
    });
  }
  // Code after the CLI's exit must not run on: stop it as an exit would.
  throw new ProfiledExit();
};

/** Thrown by the replaced `Deno.exit` while the profile is written. */
class ProfiledExit extends Error {}

globalThis.addEventListener("unhandledrejection", (e) => {
  if (e.reason instanceof ProfiledExit) e.preventDefault();
});
globalThis.addEventListener("error", (e) => {
  if (e.error instanceof ProfiledExit) e.preventDefault();
});

try {
  const host = await cliHost();
  host.exit(await main(args.slice(dash + 1), host));
} catch (e) {
  if (!(e instanceof ProfiledExit)) throw e;
}
