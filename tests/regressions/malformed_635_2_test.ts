/**
 * Found by the malformed-input fuzzer (`bun tools/fuzz/main.ts`, seed 613244922), mutant 635_2:
 * a byte mutant whose start function loops forever hung the campaign, because a module's start
 * function ran without any limit while it was instantiated. Instantiation now takes a `timeout`
 * (`ModuleConfig`), which the malformed check gives it.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { checkMalformed } from "../../tools/fuzz/malformed.ts";
import { Runtime, RuntimeError } from "../../mod.ts";

const MODULE = Uint8Array.from(
  atob([
    "AGFzbQEAAAABOQpgAX8AYAF+AGABfABgAn9/AX9gA3x+fQF8YAN+f34AYAJ+fgR/fX5+YAJ8fAJ9fmABfAJ/fmAA",
    "AAI1BANlbnYHbG9nX2kzMgAAA2Vudgdsb2dfaTY0AAEDZW52B2xvZ19mNjQAAgNlbnYDbWl4AAMDBgUEBQQFCQQH",
    "AnAACG8AAAUEAQECBAYxBH8BQQALfgBC+Lmusan1l9UrC38BQa/vla4EC3sB/QyjmPzcbwB45S6+0K7+r0UJCwcg",
    "BgNtZW0CAAJmMAAGAmYxAAcCZzADAAJnMQMBAmcyAwIIAQgJOQMEQQALCNIEC9IAC9BwC9IFC9IEC9IEC9IEC9Bw",
    "CwVwAdIACwdwBtIAC9IBC9ICC9IDC9IEC9IFCwwBAAq/DAWYAwMBfQF8A38jAEUEQAALIwBBAWskAELjoZGw+4Gg",
    "mMEAAn5BAQRAQoCAgICAgICAgH8MAQtBwOUBIwFCo6HHjtrs7fWzf4Q3AgpCAAsCBkGc/AIgAT0BpAP9DAAA8H8A",
    "eNB/nACAq99If38kAxoaQe7PyPcCIwIQAyACjyEDQwAAwH8gAyADIANcGyMBQsj9+oOojaGFwAAgAX0LGhoaBEBE",
    "AAAAAAAA8P9DAAAAAK+6oCEERAAAAAAAAPh/IAQgBCAEYhtBAQ4EAQEBAQELQQDQb0EA/BEBQsAAIAGBuUMAAIA/",
    "/AXDQQQhBQN9IAVBAWsiB0EASg0AQcmHBCoCCQtBABEEABpBANBv0G/9DP8Ayv9w/zOAf2p//3//oWz9DH/yf3+A",
    "2QBA/yTpAN7fgBz9ugH9YxwBb0EC/BEBQQQhBgNAIAZBAWsiBkEASg0AC0TxgNTkNKyrUUEBDQAaQQIhBwNAIAdB",
    "AWsiB0EASg0AC0Hu8wH9DH8AaX+Sfxz/xZH/7P+oQX/9gwFBPvwLAEHS1gYrA/kCC+4IBwFwAXsBfwF8AXsBfwF9",
    "IwBFBEAACyMAQQFrJABC24Gnkpyut5OpfxpEAAAAAAAA8P9EAAAAIF+gAkJmIwJxBEBBAARA0gAhAyMAQSBBibi+",
    "9gVMEAMEQEEAQQAlAUEB/BEBIwEjAYYhAEGCrqSeBARAQQAOBAMBBAMDCwVB6eEEQb/rBUEa/AoAACACw3oaC0GH",
    "gQJC3bfAiPjqoNz9AD0BoAYFIAMaQe+BA0EBBH9B1IsHQv+rvv/G4OW95gC5OQAKQQIhBQN/IAVBAWsiBUEASg0A",
    "QQJAAAskAkHEm76ufAVB/dQHQsAAIAJVOwEJQf8BIwIQAxpBgICAgHgLQQn8CwALBQtD+QIVULwgARADBHxEAAAA",
    "AAAA8H9Ez/lP3ucPQS6mBSMDRAAAAAAAAPh//SIB/QwApP+p9ehcf4AQeL4Af3CqIAT9Lv1AJANEzER3yYjcz0RE",
    "AAAAIF+gAsKiIQZEAAAAAAAA+H8gBiAGIAZiGwtC8LuwhY6fqKAaxMICfSABQZbVl9sBEAMaQ/kCFVALi0EGEQQA",
    "GgJAQfnnjeYBIQFBAARA0G8aQfr/ByABQRz8CgAABQtBr9EHIwBBAkEGEQMAAn8jAAsQAzoAAgtBAQRAAAtBCkEB",
    "QQL8DgAAQZDBB0QAAAAAAAAAAEQAAAAAAADw/2IEeyAE/WghByAH/QwAAMB/AADAfwAAwH8AAMB/IAcgB/1B/VIF",
    "QdKsAUQAAAAgX6ACQkTaaI0EQsM4YAJ/QQUgAyAD/QyAaH8Af4AANPrbfwCmU4Dd/RsCHAFwJgBBlqkBIABCAUED",
    "EQYAGhoaOgAGIAEjAE8LG0QAAAAAAADwv0QAAAAAAAD4f6IhBkQAAAAAAAD4fyAGIAYgBmIbAgdBAARAQfraBCMB",
    "PAAFQQLSASYABQJ7/Qx/gObO/3+AABGAfySL0Bl/CxpEAAAAAAAAAIAQAgsaGkQAAAAAAADwP0QAAAAAAAD4f0EG",
    "EQcAGiACQv////8PfgsaOALeBkH89AMvAQIQAESad1YapXuXIkL///////////8AQwAAAE9BABEEABACIwMiBAv9",
    "CwIIQQQlAEECJQDQcNBwQQEcAXBBBCUAIANBARwBcEEBHAFwQQAcAXBBABwBcCEDQQAEfEQAAAAAAAAAgEKAgICA",
    "gICAgIB/QwAAAD8QBBoBQQJAAARAQQMOAQICC0QAAAAgX6ACwgVEmpmZmZmZDUBBBCEIA35BAQRARMvWGT2yLBds",
    "DAILQb3nBCMBPAAEIAhBAWsiCEEASg0AQtyqrr6i4IPcHwtDGNAuwpEhCUMAAMB/IAkgCSAJXBtBABEEABpBnqgC",
    "/QxCAKFGf///f3+Af4y0hFYA/QyAeHVsgIGXA4AA24APz7IA/bEB/QsEA0QAAAAAAADgPwsCCERuLu23eQkYeUIA",
    "QwAAAF8QBBr9DIChfwQ2nPSHf+oAiYBXAP/9/gEkAxogAUHkACABG0Lf1774xOzH5YN/IAAgARsLGgRABQsLDwBB",
    "5AAkACAAIAEgAhAECw8AQeQAJAAgACABIAIQBQsTAEHkACQAQSoQAEIAQQBCABAFCwsBAA==",
  ].join("")),
  (c) => c.charCodeAt(0),
);

test("malformed mutant 635_2: its endless start function is stopped by the deadline", async () => {
  assert.equal(MODULE.length, 1900);
  const started = Date.now();
  const result = await checkMalformed(MODULE);
  assert.equal(result.compiled, true);
  assert.equal(result.finding, undefined);
  assert.ok(Date.now() - started < 10_000);
});

test("malformed mutant 635_2: its start function traps on a timeout, named as such", async () => {
  const runtime = new Runtime();
  const compiled = await runtime.compileModule(MODULE);
  let builder = runtime.newHostModuleBuilder("env");
  for (const f of compiled.importedFunctions) {
    const zeros = f.resultTypes.map((t) => (t === "i64" ? 0n : 0));
    builder = builder.newFunctionBuilder()
      .withFunc(() => zeros.length === 1 ? zeros[0] : zeros, [...f.paramTypes], [...f.resultTypes])
      .export(f.import!.name);
  }
  await builder.instantiate();
  await assert.rejects(
    runtime.instantiateModule(compiled, { name: null, timeout: 20 }),
    (e) => e instanceof RuntimeError && e.message === "interrupted: deadline exceeded",
  );
});
