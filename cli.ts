#!/usr/bin/env bun
/**
 * The `wazero-ts` command: `deno run -A cli.ts run program.wasm`, or
 * `bun cli.ts run program.wasm`. See `lib/cli/main.ts` for the commands.
 *
 * @module
 */

import { cliHost } from "./lib/cli/host_io.ts";
import { main } from "./lib/cli/main.ts";

const host = await cliHost();
const args = typeof Deno === "object"
  ? Deno.args
  : (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
host.exit(await main(args, host));
