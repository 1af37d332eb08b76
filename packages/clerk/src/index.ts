// @kvraft/clerk: the KV client library. Table of contents: the Clerk, its typed results, its
// options, and the ports (transport, clock, randomness) that the simulator and TCP implement.
export { ClerkAssertionError } from './assert.ts';
export { Clerk, randomClientId } from './clerk.ts';
export type { ClerkErrorCode, ClerkResult } from './clerk-result.ts';
export {
  type ClerkOptions,
  clerkDefaults,
  type ResolvedClerkOptions,
  resolveClerkOptions,
} from './options.ts';
export type { ClerkClock, ClerkRandom, ClientTransport } from './ports.ts';
