/**
 * Compilation caches: where a `Runtime` keeps what compiling a module
 * cost, so that compiling the same bytes again (in this process or, with
 * {@link directoryCompilationCache}, in the next one) skips that work. See
 * `RuntimeConfig.compilationCache`.
 *
 * @module
 */

/**
 * A store of compiled modules' cached work, by key (a string of letters,
 * digits and `-`, safe as a file name). Values are opaque bytes the runtime
 * wrote; a value it cannot read back (another version's, a damaged file) is
 * ignored and replaced.
 *
 * Whoever can write to a cache can make the runtime skip validating a module
 * and run JavaScript of their choosing, as wazero's and wasmtime's caches
 * hold native code: give a runtime only a cache that no less trusted party
 * can write.
 *
 * @example A cache shared by two runtimes of one process
 * ```ts
 * import { inMemoryCompilationCache, Runtime } from "./mod.ts";
 * const compilationCache = inMemoryCompilationCache();
 * const source = `(module (func (export "one") (result i32) (i32.const 1)))`;
 * for (let i = 0; i < 2; i++) {
 *   using runtime = new Runtime({ compilationCache });
 *   // The second compilation of these bytes does not validate the code again.
 *   const module = await runtime.instantiate(source);
 *   console.log(module.exportedFunction("one")!.call()); // [1]
 * }
 * ```
 */
export interface CompilationCache {
  /** The value stored under `key`, or undefined. */
  get(key: string): Uint8Array | undefined;
  /** Stores `value` under `key`, replacing what was there. */
  set(key: string, value: Uint8Array): void;
}

/**
 * A {@link CompilationCache} in this process's memory: runtimes that share
 * it compile a module's bytes once between them (a plugin host creating a
 * runtime per request, say). Nothing outlives the process, and nothing is
 * evicted: it holds about the size of the generated JavaScript of every
 * module compiled with it.
 */
export function inMemoryCompilationCache(): CompilationCache {
  const entries = new Map<string, Uint8Array>();
  return {
    get: (key) => entries.get(key),
    set: (key, value) => void entries.set(key, value.slice()),
  };
}

/** The part of `node:fs` a directory cache uses. */
interface CacheFs {
  mkdirSync(path: string, options: { recursive: boolean; mode: number }): unknown;
  readFileSync(path: string): Uint8Array;
  writeFileSync(path: string, data: Uint8Array, options: { mode: number }): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, options: { force: boolean }): void;
  readdirSync(path: string): string[];
  statSync(path: string): { size: number; mtimeMs: number; isFile(): boolean };
  utimesSync(path: string, atime: Date, mtime: Date): void;
}

/** Options of {@link directoryCompilationCache}. */
export interface DirectoryCacheOptions {
  /**
   * The most bytes the directory's entries may take (default 1 GiB). Each
   * write that takes them over deletes the least recently used entries
   * until they fit again (never the one it wrote).
   */
  maxBytes?: number;
}

/** {@link DirectoryCacheOptions.maxBytes}' default. */
const DEFAULT_CACHE_DIR_BYTES = 1 << 30;

/** A temporary file (see {@link directoryCompilationCache}) this old was left by a process that died. */
const STALE_TEMPORARY_MS = 60 * 60 * 1000;

/**
 * A {@link CompilationCache} in directory `dir` (created if missing), one
 * file per module and configuration, so that the next process running the
 * same module skips validating it and generating JavaScript for the
 * functions that were hot before, as wazero's `NewCompilationCacheWithDir`
 * does for its native code. Files are written whole under a temporary name
 * and renamed, so concurrent processes never read a partly written one;
 * a new directory and its files are for this user alone (modes 0700 and
 * 0600). The entries stay within `options.maxBytes`: reading an entry marks
 * it used (its modification time), and a write that takes the directory
 * over deletes the entries used longest ago. Needs `node:fs` and
 * `process.getBuiltinModule` (Deno, Bun, Node 20.16 and later); other hosts
 * get a `TypeError`.
 *
 * @example
 * ```ts
 * import { directoryCompilationCache, Runtime } from "./mod.ts";
 * const dir = Deno.makeTempDirSync();
 * const compilationCache = directoryCompilationCache(dir, { maxBytes: 64 << 20 });
 * using runtime = new Runtime({ compilationCache });
 * await runtime.instantiate(`(module (func (export "f")))`);
 * ```
 */
export function directoryCompilationCache(
  dir: string,
  options: DirectoryCacheOptions = {},
): CompilationCache {
  const fs = nodeBuiltin<CacheFs>("node:fs");
  if (fs === undefined) {
    throw new TypeError("directoryCompilationCache needs node:fs, which this host does not have");
  }
  const maxBytes = options.maxBytes ?? DEFAULT_CACHE_DIR_BYTES;
  if (!(maxBytes >= 0)) throw new RangeError(`maxBytes must be a size in bytes, not ${maxBytes}`);
  const path = (key: string) => {
    if (!/^[A-Za-z0-9-]+$/.test(key)) throw new RangeError(`not a cache key: ${key}`);
    return `${dir}/${key}.wzc`;
  };
  let made = false;
  let writes = 0;
  return {
    get(key) {
      const file = path(key);
      let value: Uint8Array;
      try {
        value = fs.readFileSync(file);
      } catch {
        return undefined;
      }
      try {
        const now = new Date();
        fs.utimesSync(file, now, now);
      } catch {
        // A read-only directory: the entry is used all the same, only not marked.
      }
      return value;
    },
    set(key, value) {
      // Readable and writable by this user alone: what the files hold is run.
      if (!made) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      made = true;
      const temporary = `${path(key)}.${Date.now()}-${
        Math.random().toString(36).slice(2)
      }-${writes++}`;
      try {
        fs.writeFileSync(temporary, value, { mode: 0o600 });
        fs.renameSync(temporary, path(key));
      } catch (e) {
        fs.rmSync(temporary, { force: true });
        throw e;
      }
      evict(fs, dir, `${key}.wzc`, maxBytes);
    },
  };
}

/**
 * Deletes the least recently used entries of the cache in `dir` (oldest
 * modification time first, `keep` never) until the rest take at most
 * `maxBytes`, and temporary files older than {@link STALE_TEMPORARY_MS}.
 * Another process may delete the same files meanwhile: what is gone is skipped.
 */
function evict(fs: CacheFs, dir: string, keep: string, maxBytes: number): void {
  const entries: { file: string; size: number; used: number }[] = [];
  let total = 0;
  const now = Date.now();
  for (const name of fs.readdirSync(dir)) {
    const temporary = /\.wzc\.[0-9]+-[a-z0-9]*-[0-9]+$/.test(name);
    if (!temporary && !name.endsWith(".wzc")) continue;
    const file = `${dir}/${name}`;
    let stat;
    try {
      stat = fs.statSync(file);
    } catch {
      continue;
    }
    if (!stat.isFile()) continue;
    if (temporary) {
      if (now - stat.mtimeMs > STALE_TEMPORARY_MS) fs.rmSync(file, { force: true });
      continue;
    }
    total += stat.size;
    if (name !== keep) entries.push({ file, size: stat.size, used: stat.mtimeMs });
  }
  entries.sort((a, b) => a.used - b.used);
  for (const entry of entries) {
    if (total <= maxBytes) break;
    fs.rmSync(entry.file, { force: true });
    total -= entry.size;
  }
}

/**
 * @internal The host's Node built-in module `id` (`process.getBuiltinModule`:
 * Deno, Bun, Node 20.16 and later), or undefined where there is none.
 */
export function nodeBuiltin<T>(id: string): T | undefined {
  try {
    return (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
      .process?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}
