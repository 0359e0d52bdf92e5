// The official WASI preview1 conformance tests (WebAssembly/wasi-testsuite,
// prebuilt C, AssemblyScript and Rust binaries) run through the public API on
// the host's real file system adapter: DenoFileSystem under Deno,
// NodeFileSystem under Bun and Node. Each test gets fresh temporary copies of
// its fixture folders (`dirs` mounted under their own names as the upstream
// runner does, the older `root` as `/`), and a time limit.
//
// The suite lives outside the project (`../shared/wasi-testsuite`, or
// WASI_TESTSUITE_DIR). When it is missing, CI (env CI set) fails loudly; a
// local run prints one skip line.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import { CollectedOutput, Runtime, runWasi, type WasiConfig } from "../../mod.ts";
import { EXPECTED_FAILURES } from "./testsuite_expected.ts";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";
const isBun = typeof (globalThis as { Bun?: unknown }).Bun === "object";
// Bun on Linux sets nanosecond times through libc (lib/host/bun_times.ts); elsewhere node:fs.
const host = isDeno ? "deno" : isBun && process.platform === "linux" ? "bun-linux" : "node";

/** Where the suite is: WASI_TESTSUITE_DIR, else `shared/wasi-testsuite` beside the project. */
function suiteDir(): string {
  const fromEnv = process.env.WASI_TESTSUITE_DIR;
  if (fromEnv) return fromEnv;
  return new URL("../../../shared/wasi-testsuite", import.meta.url).pathname;
}

/** Deno runs need --allow-write for the temporary copies. */
function canWrite(): boolean {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  return deno === undefined || deno.permissions.querySync({ name: "write" }).state === "granted";
}

/** One `.json` beside a `.wasm`; every field is optional. */
interface Spec {
  args?: string[];
  env?: Record<string, string>;
  dirs?: string[];
  /** The form the prebuilt branch has: one folder, pre-opened as `/` (the programs open `file`, find `/`). */
  root?: string;
  stdout?: string;
  exit_code?: number;
}

/** Every test program's wall-clock limit (the slowest take well under a second). */
const TIMEOUT_MS = 20_000;
const LANGUAGES = ["assemblyscript", "c", "rust"];

const dir = suiteDir();
const present = fs.existsSync(`${dir}/rust`);
const inCI = !!process.env.CI;

if (!present) {
  if (inCI) {
    test("wasi-testsuite is present (CI)", () => {
      assert.fail(`wasi-testsuite not found at ${dir} (set WASI_TESTSUITE_DIR)`);
    });
  } else {
    console.log(`SKIP wasi-testsuite: not found at ${dir} (set WASI_TESTSUITE_DIR)`);
  }
} else if (!canWrite()) {
  const message = "wasi-testsuite needs --allow-write for its temporary fixture copies";
  if (inCI) test("wasi-testsuite can write temporary copies (CI)", () => assert.fail(message));
  else console.log(`SKIP ${message}`);
} else {
  let passed = 0, total = 0;
  for (const language of LANGUAGES) {
    const names = fs.readdirSync(`${dir}/${language}`)
      .filter((f) => f.endsWith(".wasm"))
      .map((f) => f.slice(0, -5))
      .sort();
    for (const name of names) {
      const id = `${language}/${name}`;
      const expectedFailure = EXPECTED_FAILURES[host][id];
      total++;
      test(`wasi-testsuite ${id}${expectedFailure ? " (expected to fail: see reason)" : ""}`, async () => {
        const outcome = await runOne(`${dir}/${language}`, name);
        if (expectedFailure === undefined) {
          assert.equal(outcome, "pass", `${id}: ${outcome}`);
          passed++;
        } else {
          // A documented failure stays documented: when it starts passing, the list must shrink.
          assert.notEqual(
            outcome,
            "pass",
            `${id} passes now: remove it from testsuite_expected.ts`,
          );
          assert.match(outcome, expectedFailure.outcome, `${id}: ${outcome}`);
        }
      });
    }
  }
  test("wasi-testsuite summary", () => {
    const known = Object.keys(EXPECTED_FAILURES[host]).length;
    console.log(`wasi-testsuite on ${host}: ${passed}/${total} pass, ${known} documented failures`);
  });
}

/** Runs one test program; returns "pass" or what differed. */
async function runOne(folder: string, name: string): Promise<string> {
  const jsonPath = `${folder}/${name}.json`;
  const spec: Spec = fs.existsSync(jsonPath) ? JSON.parse(fs.readFileSync(jsonPath, "utf8")) : {};
  const dirs: Array<[string, string]> = (spec.dirs ?? []).map((d) => [d, d]);
  if (spec.root !== undefined) dirs.push([spec.root, "/"]);
  const temp = fs.mkdtempSync(`${os.tmpdir()}/wazero-ts-wasi-testsuite-`);
  try {
    const mounts: NonNullable<WasiConfig["mounts"]> = {};
    for (const [d, guestPath] of dirs) {
      fs.cpSync(`${folder}/${d}`, `${temp}/${d}`, { recursive: true });
      mounts[guestPath] = `${temp}/${d}`;
    }
    const stdout = new CollectedOutput(), stderr = new CollectedOutput();
    let code: number;
    try {
      code = await runWasi(new Runtime(), fs.readFileSync(`${folder}/${name}.wasm`), {
        args: [`${name}.wasm`, ...(spec.args ?? [])],
        env: spec.env,
        mounts,
        stdout,
        stderr,
        clock: "system",
        random: "crypto",
        timeout: TIMEOUT_MS,
      });
    } catch (e) {
      return `threw ${(e as Error).message}; stderr: ${stderr.text().slice(0, 800)}`;
    }
    const expectedCode = spec.exit_code ?? 0;
    if (code !== expectedCode) {
      return `exit code ${code}, expected ${expectedCode}; stderr: ${stderr.text().slice(0, 500)}`;
    }
    if (spec.stdout !== undefined && stdout.text() !== spec.stdout) {
      return `stdout ${JSON.stringify(stdout.text())}, expected ${JSON.stringify(spec.stdout)}`;
    }
    return "pass";
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}
