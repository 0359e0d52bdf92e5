/**
 * Resource bombs (issue 20) in every tier mode, at reduced sizes: each must
 * give its result, or a CompileError/RuntimeError naming the limit it hit,
 * in bounded time and memory. `deno task fuzz --bombs` runs the full sizes
 * (a million nested blocks, a million functions, a 100 MB data segment...).
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { BOMBS, runBomb } from "../../tools/fuzz/bombs.ts";

/** Generous bounds for a loaded CI machine (and --jitless): they catch hangs and blow-ups, not slowness. */
const MAX_MS_PER_MODE = 60_000;
const MAX_RSS_GROWTH_MB = 2_000;

for (const bomb of BOMBS) {
  test(`bomb: ${bomb.name} (${bomb.unit}) in every tier mode`, { timeout: 600_000 }, async () => {
    const { outcomes } = await runBomb(bomb, "unit");
    for (const o of outcomes) {
      if (typeof o.result === "string") {
        assert.match(
          o.result,
          /^(CompileError|RuntimeError|LinkError): .*(limit|exhausted|exceeds|too)/,
          o.mode,
        );
      } else assert.equal(o.result, bomb.expected(bomb.unit), o.mode);
      assert.ok(o.ms < MAX_MS_PER_MODE, `${o.mode} took ${o.ms} ms`);
      assert.ok(o.rssMB < MAX_RSS_GROWTH_MB, `${o.mode} grew by ${o.rssMB} MB`);
    }
  });
}
