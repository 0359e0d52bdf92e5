/**
 * What a benchmark result needs to say where it came from: the JS runtime and
 * its engine versions, the machine (CPU model, cores, memory) and the date.
 * Works under Deno and Bun (through `node:` modules).
 */
import { readFileSync, statSync } from "node:fs";
import os from "node:os";
import { basename, join, resolve } from "node:path";
import process from "node:process";

/** The JS runtime running this script. */
export type RuntimeName = "deno" | "bun" | "node";

/** Which runtime this is. */
export function runtimeName(): RuntimeName {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Bun !== undefined) return "bun";
  if (g.Deno !== undefined) return "deno";
  return "node";
}

/** Runtime and engine versions, e.g. `{ deno: "2.9.6", v8: "15.0…" }`. */
export function runtimeVersions(): Record<string, string> {
  const v = process.versions as Record<string, string | undefined>;
  const out: Record<string, string> = {};
  switch (runtimeName()) {
    case "deno": {
      const d = (globalThis as { Deno?: { version: Record<string, string> } }).Deno!.version;
      out.deno = d.deno;
      out.v8 = d.v8;
      out.typescript = d.typescript;
      break;
    }
    case "bun":
      out.bun = v.bun ?? "?";
      out.javascriptcore = v.webkit ?? "?";
      break;
    default:
      out.node = v.node ?? "?";
      out.v8 = v.v8 ?? "?";
  }
  return out;
}

/** The machine: CPU model (from /proc/cpuinfo when readable), cores, memory, OS. */
export interface MachineInfo {
  /** CPU model name. */
  cpu: string;
  /** Logical cores. */
  cores: number;
  /** Total memory in GiB. */
  memoryGiB: number;
  /** `os.platform()`-`os.arch()`. */
  platform: string;
}

/** Describes the machine this process runs on. */
export function machineInfo(): MachineInfo {
  let cpu = "";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux, or not allowed to read it
  }
  let cores = 0;
  let memoryGiB = 0;
  try {
    const cpus = os.cpus();
    cores = cpus.length;
    if (!cpu && cpus.length > 0) cpu = cpus[0].model.trim();
    memoryGiB = Math.round(os.totalmem() / 2 ** 30);
  } catch {
    // permission denied (Deno without --allow-sys)
  }
  if (cores === 0) {
    cores =
      (globalThis.navigator as { hardwareConcurrency?: number } | undefined)?.hardwareConcurrency ??
        0;
  }
  return {
    cpu: cpu || "unknown",
    cores,
    memoryGiB,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** Median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Geometric mean of positive numbers (NaN for an empty list). */
export function geomean(xs: number[]): number {
  if (xs.length === 0) return NaN;
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

/**
 * The checked-out commit of the git repository at `root` (read from
 * `.git/HEAD` and the refs, without running git), or undefined. In a
 * worktree (`git worktree add`), `.git` is a file naming the worktree's own
 * git directory, whose `HEAD` is read; its branches are the main
 * repository's.
 */
export function gitCommit(root: string): string | undefined {
  try {
    let gitDir = join(root, ".git");
    let commonDir = gitDir;
    if (statSync(gitDir).isFile()) {
      gitDir = resolve(root, readFileSync(gitDir, "utf8").trim().replace(/^gitdir: /, ""));
      commonDir = resolve(gitDir, readFileSync(join(gitDir, "commondir"), "utf8").trim());
    }
    const head = readFileSync(join(gitDir, "HEAD"), "utf8").trim();
    if (!head.startsWith("ref: ")) return head;
    const ref = head.slice(5);
    try {
      return readFileSync(join(commonDir, ref), "utf8").trim();
    } catch {
      const packed = readFileSync(join(commonDir, "packed-refs"), "utf8");
      return packed.split("\n").find((l) => l.endsWith(` ${ref}`))?.split(" ")[0];
    }
  } catch {
    return undefined;
  }
}

/**
 * How the checkout in `dir` is named beside the checkout in `other` in an
 * A/B comparison: its commit's first 7 digits, or its folder's name when it
 * has no commit or both are at one commit (one with changes not committed).
 */
export function checkoutLabel(dir: string, other: string): string {
  const commit = gitCommit(dir);
  return commit === undefined || commit === gitCommit(other) ? basename(dir) : commit.slice(0, 7);
}

/** The 1-minute load average (NaN where unavailable or not permitted). */
export function loadAverage(): number {
  try {
    return os.loadavg()[0];
  } catch {
    return NaN;
  }
}
