// The clerk's options: every limit named, defaulted and validated at construction.
import { assert } from './assert.ts';
import type { ClerkClock, ClerkRandom, ClientTransport } from './ports.ts';

/** Options of one clerk. */
export interface ClerkOptions {
  /** The servers to try, in this order (callers may shuffle; position i need not be server i). */
  readonly servers: readonly number[];
  readonly transport: ClientTransport;
  readonly clock: ClerkClock;
  /** Draws the random client id. */
  readonly prng: ClerkRandom;
  /** An operation's deadline; at it, a write of unknown outcome is indeterminate. May be Infinity. */
  readonly operationTimeoutMs?: number;
  /** How long one attempt at one server may wait for an answer. */
  readonly attemptTimeoutMs?: number;
  /** The pause after a full rotation over the servers without success (bounds retry rate). */
  readonly retryBackoffMs?: number;
}

/** Options with defaults filled in. */
export type ResolvedClerkOptions = Required<ClerkOptions>;

/** The defaults of every optional limit. */
export const clerkDefaults = {
  operationTimeoutMs: 10_000,
  attemptTimeoutMs: 2000,
  retryBackoffMs: 20,
} as const;

/** Fills defaults and validates; throws AssertionError on a bad value. */
export function resolveClerkOptions(options: ClerkOptions): ResolvedClerkOptions {
  const resolved: ResolvedClerkOptions = { ...clerkDefaults, ...options };
  assert(resolved.servers.length > 0, 'a clerk needs at least one server');
  assert(new Set(resolved.servers).size === resolved.servers.length, 'servers must be distinct');
  assert(resolved.operationTimeoutMs > 0, 'operationTimeoutMs must be > 0');
  assert(resolved.attemptTimeoutMs > 0, 'attemptTimeoutMs must be > 0');
  assert(
    Number.isFinite(resolved.attemptTimeoutMs) && Number.isFinite(resolved.retryBackoffMs),
    'attemptTimeoutMs and retryBackoffMs must be finite',
  );
  assert(resolved.retryBackoffMs > 0, 'retryBackoffMs must be > 0');
  return resolved;
}
