/**
 * Development check of the text parser against the spec suite: every script
 * parses, every text module encodes (twice, to the same bytes), and every
 * quoted module inside `assert_malformed` is rejected. Prints per-file
 * counts and exits with status 1 on any failure.
 *
 * Run: `deno run --allow-read tests/text/spec_text_check.ts [dir] [file-filter]`
 *
 * @module
 */

import { CompileError } from "../../lib/errors.ts";
import { parseWast, wat2wasm } from "../../lib/text/index.ts";
import type { WastCommand, WastModule } from "../../lib/text/index.ts";

const dir = Deno.args[0] ?? "/work/shared/wasm-spec/core";
const filter = Deno.args[1] ?? "";

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function modulesOf(cmd: WastCommand): WastModule | undefined {
  return "module" in cmd ? cmd.module : undefined;
}

let totalEncoded = 0, totalRejected = 0, totalFailures = 0;
const files = [...Deno.readDirSync(dir)]
  .map((e) => e.name)
  .filter((n) => n.endsWith(".wast") && n.includes(filter))
  .sort();
for (const file of files) {
  const text = Deno.readTextFileSync(`${dir}/${file}`);
  let encoded = 0, rejected = 0;
  const failures: string[] = [];
  const started = performance.now();
  let commands: WastCommand[];
  try {
    commands = parseWast(text);
  } catch (e) {
    console.log(`${file}: PARSE FAILURE ${(e as Error).message}`);
    totalFailures++;
    continue;
  }
  for (const cmd of commands) {
    const m = modulesOf(cmd);
    if (m === undefined || m.kind === "binary") continue;
    const malformed = cmd.type === "assert_malformed";
    const source = m.text;
    let bytes: Uint8Array | undefined;
    let error: unknown;
    try {
      bytes = wat2wasm(source);
    } catch (e) {
      error = e;
    }
    if (malformed) {
      if (error instanceof CompileError) rejected++;
      else if (error !== undefined) failures.push(`line ${cmd.line}: non-CompileError ${error}`);
      else failures.push(`line ${cmd.line}: malformed module accepted (${cmd.message})`);
      continue;
    }
    if (error !== undefined) {
      failures.push(`line ${cmd.line}: ${(error as Error).message}`);
      continue;
    }
    if (m.kind === "text" && m.bytes !== undefined && !same(m.bytes, bytes!)) {
      failures.push(`line ${cmd.line}: bytes from parseWast differ from wat2wasm`);
    }
    if (!same(bytes!, wat2wasm(source))) failures.push(`line ${cmd.line}: nondeterministic`);
    encoded++;
  }
  const ms = (performance.now() - started).toFixed(0);
  console.log(
    `${file}: ${encoded} encoded, ${rejected} malformed rejected, ${failures.length} failures (${ms} ms)`,
  );
  for (const f of failures.slice(0, 10)) console.log(`  ${f}`);
  totalEncoded += encoded;
  totalRejected += rejected;
  totalFailures += failures.length;
}
console.log(
  `TOTAL: ${totalEncoded} modules encoded, ${totalRejected} malformed rejected, ${totalFailures} failures`,
);
if (totalFailures > 0) Deno.exit(1);
