/**
 * README code blocks that cannot rot (as `deno test --doc` does for JSDoc):
 * every ```ts block of README.md is extracted to its own module, its imports
 * of the package (`./mod.ts`, `./polyfill.ts`, `wazero-ts`,
 * `wazero-ts/polyfill`...) pointed at this checkout, then all are
 * type-checked with `deno check` (the project's compiler options) and each
 * is run in its own process under Deno and Bun, from the repository root (so
 * the files a block reads are found). A block fails on a type error, an
 * uncaught exception or a non-zero exit. Blocks whose info string says
 * `ts no-run` are only type-checked.
 *
 * Usage: `deno run -A tools/readme_blocks.ts [--no-bun] [README.md]` (CI runs it).
 *
 * @module
 */

/** One ```ts block of a Markdown file. */
export interface CodeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The code, as written. */
  code: string;
  /** False for `ts no-run` blocks (type-checked only). */
  run: boolean;
}

/** The ```ts (and ```typescript) blocks of a Markdown text, in order. */
export function extractBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)(\s+.*)?$/.exec(lines[i].trimEnd());
    if (open === null) {
      // Skip other fenced blocks whole, so a ```ts line inside them is not taken as a fence.
      if (/^```/.test(lines[i])) { while (++i < lines.length && !/^```\s*$/.test(lines[i])); }
      continue;
    }
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !/^```\s*$/.test(lines[i])) body.push(lines[i]);
    blocks.push({ line: start + 1, code: body.join("\n"), run: !/\bno-run\b/.test(open[2] ?? "") });
  }
  return blocks;
}

/** The package's entry points, by the specifiers README examples use. */
const ENTRIES: Record<string, string> = {
  "./mod.ts": "mod.ts",
  "wazero-ts": "mod.ts",
  "./polyfill.ts": "polyfill.ts",
  "wazero-ts/polyfill": "polyfill.ts",
  "./webassembly.ts": "webassembly.ts",
  "wazero-ts/webassembly": "webassembly.ts",
};

/**
 * The block as a module of its own: package imports pointed at `root` (a
 * file URL ending in `/`), `export {}` appended so top-level await and
 * declarations stay module-scoped.
 */
export function blockModule(block: CodeBlock, root: string): string {
  const code = block.code.replace(
    /((?:from\s+|import\s+)["'])([^"']+)(["'])/g,
    (all, before: string, spec: string, after: string) =>
      Object.hasOwn(ENTRIES, spec) ? `${before}${root}${ENTRIES[spec]}${after}` : all,
  );
  return `${code}\nexport {};\n`;
}

async function run(cmd: string[], cwd: string): Promise<{ ok: boolean; output: string }> {
  const out = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { ok: out.success, output: decode(out.stdout) + decode(out.stderr) };
}

if (import.meta.main) {
  const args = Deno.args.filter((a) => !a.startsWith("--"));
  const withBun = !Deno.args.includes("--no-bun");
  const rootUrl = new URL("..", import.meta.url);
  const root = rootUrl.pathname;
  const readme = args[0] ?? `${root}README.md`;
  const blocks = extractBlocks(Deno.readTextFileSync(readme));
  const dir = Deno.makeTempDirSync({ prefix: "readme_blocks_" });
  let failed = 0;
  try {
    const files = blocks.map((b) => {
      const file = `${dir}/readme_line_${b.line}.ts`;
      Deno.writeTextFileSync(file, blockModule(b, rootUrl.href));
      return file;
    });
    const check = await run(
      [Deno.execPath(), "check", "--quiet", `--config=${root}deno.json`, ...files],
      root,
    );
    if (!check.ok) {
      console.log(check.output);
      console.log(`README: type errors in its code blocks (files in ${dir})`);
      failed++;
    }
    for (let i = 0; i < blocks.length; i++) {
      if (!blocks[i].run) continue;
      const runners = [[Deno.execPath(), "run", "-A", "--quiet", `--config=${root}deno.json`]];
      if (withBun) runners.push(["bun"]);
      for (const runner of runners) {
        const r = await run([...runner, files[i]], root);
        const name = runner[0] === "bun" ? "bun" : "deno";
        if (!r.ok) {
          console.log(r.output);
          failed++;
        }
        console.log(`${r.ok ? "ok  " : "FAIL"} README.md:${blocks[i].line} under ${name}`);
      }
    }
  } finally {
    if (failed === 0) Deno.removeSync(dir, { recursive: true });
  }
  console.log(`README code blocks: ${blocks.length} checked, ${failed} failure(s)`);
  if (failed > 0) Deno.exit(1);
}
