// sql.js (SQLite compiled by Emscripten), unchanged: create a table, insert, query. Prints one
// JSON line with the result. With FACADE set, the wazero-ts facade replaces (or, under --jitless,
// provides) globalThis.WebAssembly first. argv[2]: the folder holding node_modules/sql.js.
import process from "node:process";
import { createRequire } from "node:module";

const dir = process.argv[2];
const native = typeof WebAssembly !== "undefined";
if (process.env.FACADE) {
  const { installWebAssembly } = await import("../../webassembly.ts");
  installWebAssembly({ force: true });
}
// sql.js is CommonJS: required as such (Deno would otherwise read it as ESM under this checkout).
const initSqlJs = createRequire(import.meta.url)(`${dir}/node_modules/sql.js/dist/sql-wasm.js`);
const start = performance.now();
const SQL = await initSqlJs({ locateFile: (f) => `${dir}/node_modules/sql.js/dist/${f}` });
const db = new SQL.Database();
db.run("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL)");
const insert = db.prepare("INSERT INTO t (name, score) VALUES (?, ?)");
for (let i = 0; i < 1000; i++) insert.run(["name" + i, i * 1.5]);
insert.free();
const result = db.exec("SELECT count(*), sum(score), max(name) FROM t WHERE id % 3 = 0");
console.log(JSON.stringify({
  output: result[0].values,
  nativeWebAssembly: native,
  ms: Math.round(performance.now() - start),
}));
