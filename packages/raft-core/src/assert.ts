// Assertions that stay on in production: a broken invariant is a bug, and the only safe
// response to a bug in a consensus core is to stop (TigerBeetle's rule).

/** Thrown when an invariant does not hold; never caught by the core. */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

/** Crashes with `message` unless `condition` holds. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Marks a branch that the type system proves unreachable. */
export function assertNever(value: never, what: string): never {
  throw new AssertionError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
