// The playground page: wires the form to run.js and shows the outcome. Query string (for links
// and for CI, which drives the page in headless Chromium): `example=NAME`, `wat=TEXT`, `wasm=URL`,
// `args=a b`, `fuel=N`, `timeout=MS`, `entry=NAME`, `autorun=1` (run once loaded). When a run
// ends, `<body data-state="done">` is set, so a test knows the output is final.
import * as lib from "../dist/mod.js";
import { EXAMPLES, runModule } from "./run.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
let uploaded = null;

for (const name of Object.keys(EXAMPLES)) {
  const option = document.createElement("option");
  option.value = option.textContent = name;
  $("example").append(option);
}
const initial = params.get("example") ?? "hello";
$("example").value = initial in EXAMPLES ? initial : "hello";
$("source").value = params.get("wat") ?? EXAMPLES[$("example").value];
for (const key of ["args", "fuel", "timeout", "entry"]) {
  if (params.has(key)) $(key).value = params.get(key);
}

$("example").addEventListener("change", () => {
  uploaded = null;
  $("upload").value = "";
  $("source").value = EXAMPLES[$("example").value];
});
$("upload").addEventListener("change", async () => {
  const file = $("upload").files[0];
  if (file === undefined) return;
  uploaded = new Uint8Array(await file.arrayBuffer());
  $("source").value = `;; ${file.name}: ${uploaded.length} bytes of WebAssembly (binary)`;
});
$("source").addEventListener("input", () => uploaded = null);
$("run").addEventListener("click", run);

function list(id, items) {
  $(id).replaceChildren(...(items.length > 0 ? items : ["(none)"]).map((text) => {
    const li = document.createElement("li");
    li.textContent = text;
    return li;
  }));
}

function number(id) {
  const v = $(id).value.trim();
  return v === "" ? undefined : Number(v);
}

async function run() {
  document.body.dataset.state = "running";
  $("status").textContent = "running…";
  for (const id of ["stdout", "stderr", "error"]) $(id).textContent = "";
  const started = performance.now();
  const out = await runModule(lib, {
    source: uploaded ?? $("source").value,
    args: $("args").value.split(/\s+/).filter((a) => a !== ""),
    stdin: $("stdin").value,
    files: { "input.txt": $("file").value },
    fuel: number("fuel"),
    timeout: number("timeout"),
    entry: $("entry").value.trim(),
  });
  const ms = (performance.now() - started).toFixed(1);
  $("stdout").textContent = out.stdout;
  $("stderr").textContent = out.stderr;
  list("imports", out.imports);
  list("exports", out.exports);
  if (out.error !== undefined) {
    const e = out.error;
    $("error").textContent = `${e.kind}: ${e.message}${e.stack.map((l) => `\n  ${l}`).join("")}`;
  }
  const parts = [out.called === undefined ? "not run" : `ran ${out.called} in ${ms} ms`];
  if (out.exitCode !== undefined) parts.push(`exit code ${out.exitCode}`);
  if (out.results !== undefined) parts.push(`results: ${out.results}`);
  if (out.fuelUsed !== undefined) parts.push(`fuel used: ${out.fuelUsed}`);
  if (out.error !== undefined) parts.push(out.error.kind);
  $("status").textContent = parts.join("; ");
  document.body.dataset.state = "done";
}

// `wasm=URL` loads a binary module as an upload would (CI uses it: file inputs cannot be scripted).
if (params.has("wasm")) {
  uploaded = new Uint8Array(await (await fetch(params.get("wasm"))).arrayBuffer());
  $("source").value = `;; ${params.get("wasm")}: ${uploaded.length} bytes of WebAssembly (binary)`;
}
$("status").textContent = "ready";
if (params.get("autorun") === "1") await run();
