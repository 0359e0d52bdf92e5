/**
 * Turns `examples/*.ts` into JavaScript modules that import the installed
 * package (`"../mod.ts"` → `"wazero-ts"`), for running them on Node, which
 * does not run TypeScript (tools/package_smoke.sh runs them against the
 * packed build). Types are stripped with TypeScript's `transpileModule`
 * (the build's pinned compiler), nothing else changes.
 *
 * Usage: `deno run --allow-read --allow-write --allow-env tools/examples_to_js.ts OUT_DIR`
 *
 * @module
 */

import ts from "typescript";

/** JavaScript for one example: types stripped, the package imported by name. */
export function exampleToJs(source: string): string {
  const renamed = source.replace(/(from\s+)"\.\.\/mod\.ts"/g, '$1"wazero-ts"');
  return ts.transpileModule(renamed, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
}

if (import.meta.main) {
  const outDir = Deno.args[0];
  if (outDir === undefined) throw new Error("usage: examples_to_js.ts OUT_DIR");
  const dir = new URL("../examples/", import.meta.url);
  Deno.mkdirSync(outDir, { recursive: true });
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
    const js = exampleToJs(Deno.readTextFileSync(new URL(entry.name, dir)));
    Deno.writeTextFileSync(`${outDir}/${entry.name.replace(/\.ts$/, ".mjs")}`, js);
  }
}
