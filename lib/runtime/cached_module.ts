/**
 * One module's entry in a {@link CompilationCache}: that its bytes were
 * validated under a configuration, and the JavaScript the structured tier
 * generated for its hot functions. The runtime reads it when compiling the
 * module and writes it back when the runtime closes (see `Runtime.close`).
 *
 * @module
 */

import { type GeneratedFunction, splitPolicyKey } from "../interpreter/jit/codegen.ts";
import type { GeneratedSources } from "../interpreter/jit/compile.ts";
import { ON_JAVASCRIPTCORE } from "../interpreter/engine.ts";
import { type CompilationCache, nodeBuiltin } from "./compilation_cache.ts";
import { sha256Hex } from "./sha256.ts";

/**
 * Part of every key: changes whenever what is cached, what the generator
 * makes of a module, or what the validator accepts changes, so that no
 * entry of an older version is read. `tests/runtime/cache_format_test.ts`
 * fails when the generated code of its modules changes while this stays.
 * The generator's output also depends on the engine's policies
 * (`ON_JAVASCRIPTCORE`), which the key names too.
 */
export const CACHE_FORMAT = "wazero-ts-cache-4";

/** The configuration a module's compiled form depends on. */
export interface CacheConfig {
  fuel: boolean;
  deterministic: boolean;
  listeners: boolean;
  /** The enabled features, in a fixed order. */
  features: string;
}

/** A stored generated function: source, frame units, loop-entry locals; 0 where declined. */
type StoredFunction = [string, number, number[] | null] | 0;

/** What an entry holds (as JSON). */
interface StoredEntry {
  format: string;
  key: string;
  functions: Record<string, StoredFunction>;
  /** The functions compiled whole in the runs that stored the entry. */
  hot: number[];
}

/** The SHA-256 of `bytes` in hex: `node:crypto`'s where the host has it, else {@link sha256Hex}. */
function sha256(bytes: Uint8Array): string {
  type Hash = { update(b: Uint8Array): Hash; digest(enc: "hex"): string };
  const crypto = nodeBuiltin<{ createHash(name: "sha256"): Hash }>("node:crypto");
  return crypto?.createHash("sha256").update(bytes).digest("hex") ?? sha256Hex(bytes);
}

/** A short hex hash of a string (the configuration's part of a key, not a security boundary). */
function shortHash(text: string): string {
  let h1 = 0x811c9dc5, h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return ((h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0"));
}

/**
 * A module's cache entry while the runtime uses it: the functions generated
 * so far (read from the cache, then added to), written back by
 * {@link save} when there are new ones.
 */
export class CachedModule implements GeneratedSources {
  readonly #cache: CompilationCache;
  readonly #key: string;
  /** The entry's key in the cache. */
  get key(): string {
    return this.#key;
  }
  readonly #functions: Map<string, GeneratedFunction | null>;
  /** The functions compiled whole in the runs that stored the entry read. */
  readonly #wasHot: ReadonlySet<number>;
  /** Those and the functions compiled whole in this run (stored for the next). */
  readonly #hot: Set<number>;
  /** True when the cache had this module's entry: its bytes were validated before. */
  readonly validated: boolean;
  #changed: boolean;

  private constructor(
    cache: CompilationCache,
    key: string,
    functions: Map<string, GeneratedFunction | null>,
    wasHot: ReadonlySet<number>,
    validated: boolean,
  ) {
    this.#cache = cache;
    this.#key = key;
    this.#functions = functions;
    this.#wasHot = wasHot;
    this.#hot = new Set(wasHot);
    this.validated = validated;
    this.#changed = !validated;
  }

  /**
   * The entry of `bytes` under `config` in `cache` (empty when there is
   * none, or none readable).
   * `open` holds the entries a runtime has open, by key: compiling the same
   * bytes again shares one. The caller adds a new entry to `open` (see
   * {@link key}) only once the module has validated.
   */
  static open(
    cache: CompilationCache,
    bytes: Uint8Array,
    config: CacheConfig,
    open: Map<string, CachedModule>,
  ): CachedModule {
    const digest = sha256(bytes);
    const engine = ON_JAVASCRIPTCORE ? "jsc" : "v8";
    const settings =
      `${CACHE_FORMAT} ${engine} fuel=${config.fuel} deterministic=${config.deterministic}` +
      ` listeners=${config.listeners} features=${config.features} split=${splitPolicyKey()}`;
    const key = `${digest}-${shortHash(settings)}`;
    const known = open.get(key);
    if (known !== undefined) return known;
    const stored = fetchEntry(cache, key);
    const functions = new Map<string, GeneratedFunction | null>();
    if (stored !== undefined) addFunctions(functions, stored);
    return new CachedModule(cache, key, functions, new Set(stored?.hot), stored !== undefined);
  }

  /** See {@link GeneratedSources.get}. */
  get(key: string): GeneratedFunction | null | undefined {
    return this.#functions.get(key);
  }

  /** See {@link GeneratedSources.put}. */
  put(key: string, generated: GeneratedFunction | null): void {
    this.#functions.set(key, generated);
    this.#changed = true;
  }

  /** See {@link GeneratedSources.wasHot}. */
  wasHot(index: number): boolean {
    return this.#wasHot.has(index);
  }

  /** See {@link GeneratedSources.compiled}. */
  compiled(index: number): void {
    if (this.#hot.has(index)) return;
    this.#hot.add(index);
    this.#changed = true;
  }

  /**
   * Writes the entry to the cache if it has changed since read or written,
   * merged with what the cache holds now (another runtime or process may
   * have added functions since). A cache that fails to give or store it is
   * ignored: compiling never depends on it.
   */
  save(): void {
    if (!this.#changed) return;
    this.#changed = false;
    try {
      const stored = fetchEntry(this.#cache, this.#key);
      const functions = new Map(this.#functions);
      const hot = new Set(this.#hot);
      if (stored !== undefined) {
        addFunctions(functions, stored, false);
        for (const index of stored.hot) hot.add(index);
      }
      const entry: StoredEntry = {
        format: CACHE_FORMAT,
        key: this.#key,
        functions: Object.fromEntries(
          [...functions].map(([name, f]) => [
            name,
            f === null ? 0 : [f.source, f.frameUnits, f.entryLocals ?? null],
          ]),
        ),
        hot: [...hot].sort((a, b) => a - b),
      };
      this.#cache.set(this.#key, new TextEncoder().encode(JSON.stringify(entry)));
    } catch {
      // Not stored: the next compilation does the work again.
    }
  }
}

/** The readable entry under `key` in `cache`, or undefined (none, unreadable, or `get` failed). */
function fetchEntry(cache: CompilationCache, key: string): StoredEntry | undefined {
  let value: Uint8Array | undefined;
  try {
    value = cache.get(key);
  } catch {
    return undefined;
  }
  return read(value, key);
}

/** Adds the functions of `stored` to `functions` (replacing those there unless `replace` is false). */
function addFunctions(
  functions: Map<string, GeneratedFunction | null>,
  stored: StoredEntry,
  replace = true,
): void {
  for (const [name, f] of Object.entries(stored.functions)) {
    if (!replace && functions.has(name)) continue;
    functions.set(
      name,
      f === 0
        ? null
        : { source: f[0], frameUnits: f[1], ...(f[2] === null ? {} : { entryLocals: f[2] }) },
    );
  }
}

/** The entry in `value` if it is one of this format for `key`, else undefined. */
function read(value: Uint8Array | undefined, key: string): StoredEntry | undefined {
  if (value === undefined) return undefined;
  try {
    const entry = JSON.parse(new TextDecoder().decode(value)) as StoredEntry;
    if (entry?.format !== CACHE_FORMAT || entry.key !== key) return undefined;
    if (typeof entry.functions !== "object" || entry.functions === null) return undefined;
    if (!Array.isArray(entry.hot) || !entry.hot.every(Number.isSafeInteger)) return undefined;
    for (const [name, f] of Object.entries(entry.functions)) {
      if (!/^\d+(@\d+)?$/.test(name)) return undefined;
      if (f === 0) continue;
      // A loop entry (`index@loopAt`) lists the locals it takes; a whole function does not.
      const locals = name.includes("@")
        ? Array.isArray(f[2]) && f[2].every((i) => Number.isSafeInteger(i) && i >= 0)
        : f[2] === null;
      if (!Array.isArray(f) || typeof f[0] !== "string" || !Number.isSafeInteger(f[1]) || !locals) {
        return undefined;
      }
    }
    return entry;
  } catch {
    return undefined;
  }
}
