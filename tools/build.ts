/**
 * `deno task build`: the JavaScript build in `dist/`. One ESM `.js` and one
 * `.d.ts` per source module (the tree of `mod.ts`, `cli.ts` and `lib/`),
 * relative imports rewritten from `.ts` to `.js`, so the same files load in
 * Node >= 18, Bun, Deno, browsers and bundlers. `dist/cli.js` starts with
 * `#!/usr/bin/env node` (the `bin` of package.json).
 *
 * TypeScript's compiler is the only tool that writes declaration files, so it
 * is used here, at build time only (`npm:typescript` in deno.json's imports, pinned to the version
 * Deno checks with). Types are checked by `deno check`; this only emits.
 * After emitting, the declarations are checked for names that exist only
 * under Deno (`Deno.*`), which a Node or browser consumer could not resolve.
 *
 * Usage: `deno run --allow-read --allow-write --allow-env tools/build.ts [outDir]`
 *
 * @module
 */

import ts from "typescript";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const outDir = Deno.args[0] ?? `${root}/dist`;

/** The compiler options of the build (emit only: types are checked by `deno check`). */
export const buildOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.esnext.d.ts", "lib.dom.d.ts"],
  types: [],
  declaration: true,
  noCheck: true,
  allowImportingTsExtensions: true,
  rewriteRelativeImportExtensions: true,
  rootDir: root,
  outDir,
  newLine: ts.NewLineKind.LineFeed,
  removeComments: false,
  skipLibCheck: true,
};

/** A relative `.ts` specifier in an import, export or `import()` type. */
const RELATIVE_TS = /((?:from\s+|import\s*\(\s*)["'])(\.\.?\/[^"'\n]*?)\.ts(["'])/g;

/** Adds `@ts-self-types` naming the module's `.d.ts` (after a `#!` line, if any). */
function selfTypes(fileName: string, text: string): string {
  const base = fileName.slice(fileName.lastIndexOf("/") + 1, -".js".length);
  const directive = `/* @ts-self-types="./${base}.d.ts" */\n`;
  const shebang = /^#!.*\n/.exec(text)?.[0] ?? "";
  return shebang + directive + text.slice(shebang.length);
}

/**
 * Emits `mod.ts`, `cli.ts` and the WebAssembly JS API entries (`webassembly.ts`,
 * `polyfill.ts`: the package's `./webassembly` and `./polyfill`) with every
 * module they import; returns the files written.
 */
export function build(): string[] {
  try {
    Deno.removeSync(outDir, { recursive: true });
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const program = ts.createProgram(
    [`${root}/mod.ts`, `${root}/cli.ts`, `${root}/webassembly.ts`, `${root}/polyfill.ts`],
    buildOptions,
  );
  const written: string[] = [];
  const result = program.emit(undefined, (fileName, text) => {
    if (fileName.endsWith("/cli.js")) text = text.replace(/^#!.*\n/, "#!/usr/bin/env node\n");
    // TypeScript rewrites `.ts` specifiers in JavaScript only; declarations get the same.
    if (fileName.endsWith(".d.ts")) text = text.replace(RELATIVE_TS, "$1$2.js$3");
    // Deno finds a JavaScript module's declarations through this directive.
    else if (fileName.endsWith(".js")) text = selfTypes(fileName, text);
    Deno.mkdirSync(fileName.slice(0, fileName.lastIndexOf("/")), { recursive: true });
    Deno.writeTextFileSync(fileName, text);
    written.push(fileName);
  });
  const problems = result.diagnostics.map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, "\n")
  );
  for (const file of written.filter((f) => f.endsWith(".d.ts"))) {
    const text = Deno.readTextFileSync(file);
    if (/\bDeno\./.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ""))) {
      problems.push(
        `${file}: a declaration names Deno's namespace (not there on Node or in browsers)`,
      );
    }
  }
  if (result.emitSkipped || problems.length > 0) {
    throw new Error(`build failed:\n${problems.join("\n")}`);
  }
  const cli = `${outDir}/cli.js`;
  Deno.chmodSync(cli, 0o755);
  return written;
}

if (import.meta.main) {
  const written = build();
  console.log(`build: ${written.length} files in ${outDir}`);
}
