// Invariant checks for the checker. A failed assertion is a bug in the checker, never bad input:
// bad input gets a typed result (see history/history-error.ts). Assertions stay on in production.

/** Throws when an invariant does not hold; the message names the invariant. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`checker invariant violated: ${message}`);
}

/** Marks a branch the type system proves unreachable; throws if it is reached anyway. */
export function assertNever(value: never, message: string): never {
  throw new Error(`checker invariant violated: ${message}: ${JSON.stringify(value)}`);
}
