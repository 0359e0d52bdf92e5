// The benchmark scripts' command lines (bench/args.ts): a typo or `--help` must stop before a
// measurement of many minutes starts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkArgs } from "../../bench/args.ts";

const spec = { options: ["rounds", "only"], flags: ["no-save", "quick"], usage: "usage: x" };

test("checkArgs accepts the options and flags a script names", () => {
  assert.equal(checkArgs([], spec), null);
  assert.equal(checkArgs(["--rounds=5", "--only=fib,sieve", "--no-save", "--quick"], spec), null);
  assert.equal(checkArgs(["--only="], spec), null);
});

test("checkArgs answers --help and -h", () => {
  assert.equal(checkArgs(["--rounds=2", "--help"], spec), "help");
  assert.equal(checkArgs(["-h"], spec), "help");
});

test("checkArgs names what it does not accept", () => {
  assert.equal(checkArgs(["--round=5"], spec), "unknown option --round");
  assert.equal(checkArgs(["--nosave"], spec), "unknown option --nosave");
  assert.equal(checkArgs(["--rounds"], spec), "--rounds needs a value (--rounds=...)");
  assert.equal(checkArgs(["--quick=1"], spec), "--quick takes no value");
  assert.equal(checkArgs(["fib"], spec), "unexpected argument fib");
  // The first problem is reported, even after a valid option.
  assert.equal(checkArgs(["--no-save", "-x", "--bad"], spec), "unexpected argument -x");
});

test("checkArgs takes as many other arguments as a script names, and no more", () => {
  const files = { ...spec, positional: 1 };
  assert.equal(checkArgs(["yosys.wasm", "--rounds=2"], files), null);
  assert.equal(checkArgs(["--rounds=2", "yosys.wasm"], files), null);
  assert.equal(checkArgs(["a.wasm", "b.wasm"], files), "unexpected argument b.wasm");
  // A dash never starts a file name here: it is an option, checked as one.
  assert.equal(checkArgs(["-x.wasm"], files), "unexpected argument -x.wasm");
  assert.equal(checkArgs(["--round=2", "a.wasm"], files), "unknown option --round");
});
