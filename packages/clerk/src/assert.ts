// Assertions that stay on in production. The clerk depends on kv-service's protocol types only,
// so it carries its own three-line assert rather than importing raft-core's.

/** Thrown when a clerk invariant (or its caller's contract) does not hold. */
export class ClerkAssertionError extends Error {
  override readonly name = 'ClerkAssertionError';
}

/** Crashes with `message` unless `condition` holds. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ClerkAssertionError(message);
}
