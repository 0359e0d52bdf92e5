/**
 * WebIDL's shape for the facade's classes: JS `class` syntax makes methods
 * and accessors non-enumerable, while WebIDL interfaces expose them as
 * enumerable, and tag prototypes with `Symbol.toStringTag`.
 *
 * @module
 */

/** Makes `ctor`'s static and prototype members enumerable and tags its prototype `WebAssembly.${name}`. */
export function finishInterface(
  ctor: abstract new (...args: never[]) => unknown,
  name: string,
): void {
  for (const target of [ctor, ctor.prototype] as object[]) {
    for (const key of Object.getOwnPropertyNames(target)) {
      if (key === "constructor") continue;
      // The class's own `length`, `name` and `prototype` keep their attributes.
      if (target === ctor && (key === "prototype" || key === "length" || key === "name")) continue;
      const desc = Object.getOwnPropertyDescriptor(target, key)!;
      Object.defineProperty(target, key, { ...desc, enumerable: true });
    }
  }
  Object.defineProperty(ctor.prototype, Symbol.toStringTag, {
    value: `WebAssembly.${name}`,
    configurable: true,
  });
}

/** Throws the TypeError WebIDL throws when a dictionary argument is not an object. */
export function requireDictionary(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" && typeof value !== "function") {
    throw new TypeError(`${what} must be an object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Reads a descriptor's `address` (memory64's address type): true for "i64"
 * (sizes and indices are then BigInts), false for "i32" or none.
 */
export function readAddressType(descriptor: Record<string, unknown>): boolean {
  const address = descriptor.address;
  if (address === undefined) return false;
  const name = String(address);
  if (name !== "i32" && name !== "i64") throw new TypeError(`invalid address ${name}`);
  return name === "i64";
}
