/**
 * The playground (`playground/`) in headless Chromium, as CI runs it: serves
 * the repository on 127.0.0.1 twice — plainly, and with
 * `Content-Security-Policy: script-src 'self'` (no eval, no `new Function`:
 * the runtime must detect it and interpret) — loads the page with a
 * query-string-driven autorun (`--dump-dom`), and asserts on the rendered
 * output: WASI stdout/stderr from WAT and from a C program loaded as bytes,
 * a trap with its wasm stack, fuel and timeout stopping an endless loop, a
 * validation error with its line and column, the import/export lists.
 * Needs the build (`dist/`; made here when missing). Prints a skip line
 * and succeeds when chromium is not installed.
 *
 * Usage: `deno run -A tools/playground_check.ts`
 *
 * @module
 */

import { serve } from "./static_server.ts";

interface Case {
  name: string;
  query: string;
  csp: boolean;
  /** Rendered text each element must contain (element id → substrings). */
  expect: Record<string, string[]>;
}

const CASES: Case[] = [
  {
    name: "WASI program from WAT: stdout, stderr, in-memory file, imports/exports",
    query: "example=hello&autorun=1",
    csp: false,
    expect: {
      status: ["ran _start", "exit code 0"],
      stdout: ["hello from wasm", "a file from the in-memory file system"],
      stderr: ["a line on stderr"],
      imports: ["func wasi_snapshot_preview1.fd_write (i32 i32 i32 i32) -&gt; (i32)"],
      exports: ["func _start () -&gt; ()", "memory memory 1"],
    },
  },
  {
    name: "a C WASI program loaded as .wasm bytes, with args, under a no-eval CSP",
    query: "wasm=/tests/wasi/programs/hello.wasm&args=one%20two&autorun=1",
    csp: true,
    expect: {
      status: ["exit code 0"],
      stdout: ["hello from wasm", "argv[1]=one", "argv[2]=two"],
    },
  },
  {
    name: "a trap with its wasm stack, under a no-eval CSP",
    query: "example=trap&autorun=1",
    csp: true,
    expect: {
      status: ["ran main", "trap"],
      error: ["trap: integer divide by zero", "at divide", "at compute", "at main"],
    },
  },
  {
    name: "fuel stops an endless loop",
    query: "example=loop&fuel=5000&autorun=1",
    csp: true,
    expect: { status: ["fuel used: 5000"], error: ["trap: out of fuel"] },
  },
  {
    name: "a timeout stops an endless loop (JavaScript tiers allowed)",
    query: "example=loop&timeout=100&autorun=1",
    csp: false,
    expect: { error: ["trap: interrupted: deadline exceeded", "at main"] },
  },
  {
    name: "a validation error names its line and column",
    query: `wat=${
      encodeURIComponent("(module\n  (func (result i32)\n    i64.const 1))")
    }&autorun=1`,
    csp: false,
    expect: { error: ["compile error: type mismatch", "(at line 3, column 16)"] },
  },
];

/** The text of the element with `id` in a dumped DOM (its inner HTML, entities kept). */
function element(dom: string, id: string): string | undefined {
  const m = new RegExp(`<(\\w+)[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(dom);
  return m?.[2];
}

async function dumpDom(browser: string, url: string): Promise<string> {
  const out = await new Deno.Command(browser, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--virtual-time-budget=20000",
      "--dump-dom",
      url,
    ],
    stdout: "piped",
    stderr: "null",
    signal: AbortSignal.timeout(90_000),
  }).output();
  return new TextDecoder().decode(out.stdout);
}

function findBrowser(): string | undefined {
  for (const name of ["chromium", "chromium-browser", "google-chrome", "chrome"]) {
    for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
      try {
        if (Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
      } catch { /* not here */ }
    }
  }
  return undefined;
}

if (import.meta.main) {
  const browser = findBrowser();
  if (browser === undefined) {
    console.log("playground check skipped: chromium is not installed (apt-get install chromium)");
    Deno.exit(0);
  }
  const root = new URL("..", import.meta.url).pathname;
  try {
    Deno.statSync(`${root}dist/mod.js`);
  } catch {
    const build = await new Deno.Command(Deno.execPath(), { args: ["task", "build"], cwd: root })
      .output();
    if (!build.success) throw new Error("deno task build failed");
  }
  const plain = serve(root);
  const strict = serve(root, 0, { "Content-Security-Policy": "script-src 'self'" });
  let failures = 0;
  try {
    // Two browsers at a time: each run is mostly waiting for Chromium to start.
    const results = new Array<string>(CASES.length);
    let next = 0;
    const worker = async () => {
      while (next < CASES.length) {
        const i = next++;
        const c = CASES[i];
        const port = (c.csp ? strict : plain).addr.port;
        results[i] = await dumpDom(
          browser,
          `http://127.0.0.1:${port}/playground/index.html?${c.query}`,
        );
      }
    };
    await Promise.all([worker(), worker()]);
    CASES.forEach((c, i) => {
      const dom = results[i];
      const problems: string[] = [];
      if (!/<body[^>]*data-state="done"/.test(dom)) problems.push("the run did not finish");
      for (const [id, wanted] of Object.entries(c.expect)) {
        const text = element(dom, id);
        for (const w of wanted) {
          if (text === undefined || !text.includes(w)) {
            problems.push(`#${id} lacks ${JSON.stringify(w)}: ${JSON.stringify(text)}`);
          }
        }
      }
      console.log(`${problems.length === 0 ? "ok  " : "FAIL"} ${c.name}${c.csp ? " [CSP]" : ""}`);
      for (const p of problems) console.log(`     ${p}`);
      if (problems.length > 0) failures++;
    });
  } finally {
    await plain.shutdown();
    await strict.shutdown();
  }
  console.log(`playground in headless Chromium: ${CASES.length - failures}/${CASES.length} ok`);
  if (failures > 0) Deno.exit(1);
}
