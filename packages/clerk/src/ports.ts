// The clerk's ports: how it reaches servers and how it waits. The simulator implements both on
// virtual time; the TCP transport (later) and a real clock implement them in production.
import type { ClientReply, ClientRequest } from '@kvraft/kv-service';

/** Carries one request to one server; never throws. */
export interface ClientTransport {
  /**
   * Sends `request` to `server` and resolves with its reply, or undefined when no answer came
   * within `timeoutMs` (lost, unreachable, crashed: the request may or may not have run).
   */
  call(server: number, request: ClientRequest, timeoutMs: number): Promise<ClientReply | undefined>;
}

/** Time as the clerk sees it. */
export interface ClerkClock {
  /** Milliseconds since an arbitrary fixed origin; never decreases. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** A seeded random source (raft-core's Prng satisfies it); the clerk's only randomness. */
export interface ClerkRandom {
  /** Returns a uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number;
}
