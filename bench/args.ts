/**
 * The benchmark scripts' command lines: `--name=value` options and `--name`
 * flags, checked against the names a script knows, so that a misspelt
 * option, or `--help`, stops before a measurement of many minutes starts
 * (unknown arguments used to be ignored).
 *
 * @module
 */

import process from "node:process";

/** What a script accepts. */
export interface ArgSpec {
  /** Names taken as `--name=value`. */
  options: readonly string[];
  /** Names taken as `--name`. */
  flags: readonly string[];
  /** How many arguments that are not options (a file, a count) it takes at most; 0 if absent. */
  positional?: number;
  /** Printed for `--help` and after an error. */
  usage: string;
}

/** A parsed command line. */
export interface BenchArgs {
  /** The value of `--name=value` (the last one given), or undefined. */
  option(name: string): string | undefined;
  /** Whether `--name` was given. */
  flag(name: string): boolean;
  /** The arguments that are not options, in order (at most {@link ArgSpec.positional}). */
  positional: string[];
}

/**
 * Checks `argv` against `spec`: "help" for `--help` or `-h`, an error
 * message for the first argument it does not accept, or null.
 */
export function checkArgs(argv: readonly string[], spec: ArgSpec): string | null {
  let positional = 0;
  for (const arg of argv) {
    if (arg === "--help" || arg === "-h") return "help";
    if (!arg.startsWith("-") && positional < (spec.positional ?? 0)) {
      positional++;
      continue;
    }
    const m = /^--([a-z0-9-]+)(=.*)?$/.exec(arg);
    if (m === null) return `unexpected argument ${arg}`;
    const [, name, value] = m;
    if (value !== undefined && !spec.options.includes(name)) {
      return spec.flags.includes(name) ? `--${name} takes no value` : `unknown option --${name}`;
    }
    if (value === undefined && !spec.flags.includes(name)) {
      return spec.options.includes(name)
        ? `--${name} needs a value (--${name}=...)`
        : `unknown option --${name}`;
    }
  }
  return null;
}

/**
 * The script's command line (`process.argv`), checked by {@link checkArgs}:
 * prints the usage and exits, 0 for `--help`, 2 for an error.
 */
export function benchArgs(spec: ArgSpec, argv = process.argv.slice(2)): BenchArgs {
  const problem = checkArgs(argv, spec);
  if (problem === "help") {
    console.log(spec.usage);
    process.exit(0);
  }
  if (problem !== null) {
    console.error(`${problem}\n${spec.usage}`);
    process.exit(2);
  }
  return {
    option: (name) => argv.findLast((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3),
    flag: (name) => argv.includes(`--${name}`),
    positional: argv.filter((a) => !a.startsWith("-")),
  };
}
