/**
 * WebAssembly feature sets: which proposals beyond 2.0 a runtime accepts.
 * The decoder and validator ask {@link requireFeature} at the first use of a
 * feature, so a module that uses a disabled one fails with a
 * {@link CompileError} naming the feature and the byte offset.
 *
 * @module
 */

import { CompileError } from "../errors.ts";

/** The proposals that WebAssembly 3.0 adds to 2.0, each switchable on its own. */
export const FEATURE_NAMES = [
  "tailCall",
  "extendedConst",
  "multiMemory",
  "memory64",
  "exceptions",
  "legacyExceptions",
  "functionReferences",
  "gc",
  "relaxedSimd",
  "threads",
] as const;

/** One of {@link FEATURE_NAMES}. */
export type FeatureName = typeof FEATURE_NAMES[number];

/** Which features are on. */
export type Features = Readonly<Record<FeatureName, boolean>>;

/** How a feature is named in errors and the README. */
export const FEATURE_TITLES: Readonly<Record<FeatureName, string>> = {
  tailCall: "tail calls",
  extendedConst: "extended constant expressions",
  multiMemory: "multiple memories",
  memory64: "memory64",
  exceptions: "exception handling",
  legacyExceptions: "legacy exception handling",
  functionReferences: "typed function references",
  gc: "garbage collection (GC)",
  relaxedSimd: "relaxed SIMD",
  threads: "threads (shared memory and atomics)",
};

function featureSet(on: boolean): Features {
  return Object.freeze(
    Object.fromEntries(FEATURE_NAMES.map((name) => [name, on])) as Record<FeatureName, boolean>,
  );
}

/** WebAssembly 2.0: none of the proposals. */
export const FEATURES_2_0: Features = featureSet(false);
/** WebAssembly 3.0: every proposal (the legacy exception instructions and threads too). */
export const FEATURES_3_0: Features = featureSet(true);

/**
 * What `RuntimeConfig.features` accepts: a standard's name, or switches on
 * top of a base (3.0 unless `base` says otherwise).
 */
export type FeatureConfig =
  | "2.0"
  | "3.0"
  | (Partial<Record<FeatureName, boolean>> & { base?: "2.0" | "3.0" });

/** The feature set a configuration asks for (3.0 when it says nothing). */
export function resolveFeatures(config: FeatureConfig | undefined): Features {
  if (config === undefined || config === "3.0") return FEATURES_3_0;
  if (config === "2.0") return FEATURES_2_0;
  const base = config.base === "2.0" ? FEATURES_2_0 : FEATURES_3_0;
  const out: Record<FeatureName, boolean> = { ...base };
  for (const [name, on] of Object.entries(config)) {
    if (name === "base") continue;
    if (!(FEATURE_NAMES as readonly string[]).includes(name)) {
      throw new RangeError(`unknown WebAssembly feature "${name}"; known: ${FEATURE_NAMES}`);
    }
    if (on !== undefined) out[name as FeatureName] = Boolean(on);
  }
  return Object.freeze(out);
}

/**
 * Throws a {@link CompileError} at `offset` unless `name` is enabled, e.g.
 * "tail calls (feature tailCall) is not enabled (at byte offset 42)".
 */
export function requireFeature(features: Features, name: FeatureName, offset: number): void {
  if (!features[name]) {
    throw new CompileError(`${FEATURE_TITLES[name]} (feature ${name}) is not enabled`, offset);
  }
}
