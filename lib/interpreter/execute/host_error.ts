/**
 * {@link HostError}: how an exception of a host function travels through
 * wasm frames (of either tier) without being taken for a trap.
 *
 * @module
 */

/** An error thrown by a host function, carried unchanged through the wasm frames. */
export class HostError {
  constructor(readonly error: unknown) {}
}
