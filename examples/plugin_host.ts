/**
 * Plugin host: strings both ways between JavaScript and a WebAssembly plugin.
 *
 * The plugin exports its memory, an `alloc(len) -> ptr` function and
 * `greet(ptr, len)`. The host passes a string in by allocating guest memory
 * and writing UTF-8 bytes there; the plugin passes strings out by calling the
 * imported `env.output(ptr, len)`, which reads them from its memory. The
 * imports are a plain object, as for `WebAssembly.instantiate`.
 *
 * Run: `deno run examples/plugin_host.ts`, `bun examples/plugin_host.ts`.
 */
import { type Module, Runtime } from "../mod.ts";

const PLUGIN = `(module
  (import "env" "output" (func $output (param i32 i32)))
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1024))
  (data (i32.const 0) "Hello, ")
  (data (i32.const 7) "!")

  ;; A bump allocator: good enough for a plugin that lives for one call.
  (func $alloc (export "alloc") (param $len i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $next))
    (global.set $next (i32.add (local.get $ptr) (local.get $len)))
    (local.get $ptr))

  ;; greet(name) outputs "Hello, <name>!".
  (func (export "greet") (param $name i32) (param $len i32)
    (local $out i32)
    (local.set $out (call $alloc (i32.add (local.get $len) (i32.const 8))))
    (memory.copy (local.get $out) (i32.const 0) (i32.const 7))
    (memory.copy (i32.add (local.get $out) (i32.const 7)) (local.get $name) (local.get $len))
    (i32.store8 (i32.add (local.get $out) (i32.add (local.get $len) (i32.const 7)))
      (i32.load8_u (i32.const 7)))
    (call $output (local.get $out) (i32.add (local.get $len) (i32.const 8)))))`;

const runtime = new Runtime();
const received: string[] = [];
// The import's function reads the string from the plugin's memory: `plugin` is set by the time
// the plugin calls it.
const plugin: Module = await runtime.instantiate(PLUGIN, {
  env: {
    output: (ptr: number, len: number) => received.push(plugin.memory()!.readString(ptr, len)!),
  },
});

/** Copies `text` into the plugin's memory; returns where, and how many bytes. */
function passString(text: string): [number, number] {
  const bytes = new TextEncoder().encode(text);
  const [ptr] = plugin.typedFunction("alloc", ["i32"], ["i32"]).call(bytes.length);
  plugin.memory()!.write(ptr, bytes);
  return [ptr, bytes.length];
}

const greet = plugin.typedFunction("greet", ["i32", "i32"], []);
greet.call(...passString("WebAssembly"));
greet.call(...passString("wörld 🌍"));
console.log(received.join("\n"));
if (received.join("|") !== "Hello, WebAssembly!|Hello, wörld 🌍!") {
  throw new Error(`unexpected output: ${JSON.stringify(received)}`);
}
runtime.close();
