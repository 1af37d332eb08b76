// The KV server's options: every limit named, defaulted and validated once at start. The bug
// switches are not here: they live in `testing.ts`, which no production entry point imports.
import {
  assert,
  type Clock,
  type Leadership,
  type NodeId,
  type Persister,
  type Prng,
  type RaftOptions,
  type Transport,
} from '@kvraft/raft-core';
import type { MemberList } from './membership.ts';
import { type ProtocolLimits, protocolLimitsDefault } from './protocol.ts';
import { snapshotLogRatioMinDefault } from './snapshot-policy.ts';

/** How reads are served: ReadIndex (thesis §6.4, the default) or through the log. */
export type ReadMode = 'readindex' | 'log';

/** Raft tuning a server may pass through (everything but identity and randomness). */
export type KvRaftTuning = Omit<RaftOptions, 'id' | 'peers' | 'prng'>;

/** Options of one KV server node. */
export interface KvServerOptions {
  readonly id: NodeId;
  /** The bootstrap voters, including this one; empty for a node joining a running cluster. */
  readonly peers: readonly NodeId[];
  readonly prng: Prng;
  readonly persister: Persister;
  readonly transport: Transport;
  readonly clock: Clock;
  /** Snapshot once the persisted Raft state reaches this many bytes; -1 never snapshots. */
  readonly maxraftstate: number;
  /**
   * Log bytes to accumulate per byte of the last snapshot before the next one (default 1; 0
   * snapshots as soon as maxraftstate is reached); capped at 4 × maxraftstate (snapshot-policy).
   */
  readonly snapshotLogRatioMin?: number;
  /** Milliseconds per Raft tick (default 10: heartbeats every 100 ms, elections 300–600 ms). */
  readonly tickMs?: number;
  readonly raft?: KvRaftTuning;
  readonly readMode?: ReadMode;
  /** Client sessions kept (default 10,000); the least recently applied is evicted beyond it. */
  readonly sessionsMax?: number;
  /** How long a request waits to be applied (or a read confirmed) before `Timeout`. */
  readonly proposalTimeoutMs?: number;
  readonly limits?: Partial<ProtocolLimits>;
  /**
   * Called with a broken invariant (an assertion while applying) before it is rethrown; a
   * simulator fails the run with it. The rethrow still crashes the node's Ready loop.
   */
  readonly onFatal?: (error: Error) => void;
  /**
   * Called with the member list each time a configuration is applied (a config entry, or a
   * snapshot carrying one), so the embedding can tell its transport a new member's address.
   */
  readonly onMembersChanged?: (members: MemberList) => void;
  /** Called after the server's own handling of each change of role, leader or term (logging). */
  readonly onLeadershipChange?: (leadership: Leadership) => void;
}

/** Options with defaults filled in. */
export interface ResolvedKvServerOptions extends KvServerOptions {
  readonly tickMs: number;
  readonly readMode: ReadMode;
  readonly sessionsMax: number;
  readonly proposalTimeoutMs: number;
  readonly snapshotLogRatioMin: number;
  readonly limitsResolved: ProtocolLimits;
}

/** The defaults of every optional limit. */
export const kvServerDefaults = {
  tickMs: 10,
  readMode: 'readindex' as ReadMode,
  sessionsMax: 10_000,
  proposalTimeoutMs: 1000,
} as const;

/** Fills defaults and validates; throws AssertionError on a bad value. */
export function resolveKvServerOptions(options: KvServerOptions): ResolvedKvServerOptions {
  const resolved: ResolvedKvServerOptions = {
    ...options,
    tickMs: options.tickMs ?? kvServerDefaults.tickMs,
    readMode: options.readMode ?? kvServerDefaults.readMode,
    sessionsMax: options.sessionsMax ?? kvServerDefaults.sessionsMax,
    proposalTimeoutMs: options.proposalTimeoutMs ?? kvServerDefaults.proposalTimeoutMs,
    snapshotLogRatioMin: options.snapshotLogRatioMin ?? snapshotLogRatioMinDefault,
    limitsResolved: { ...protocolLimitsDefault, ...options.limits },
  };
  const { maxraftstate } = resolved;
  assert(Number.isSafeInteger(maxraftstate) && maxraftstate >= -1, 'maxraftstate must be >= -1');
  const { snapshotLogRatioMin } = resolved;
  assert(
    Number.isFinite(snapshotLogRatioMin) && snapshotLogRatioMin >= 0,
    'snapshotLogRatioMin must be a finite number >= 0',
  );
  assert(resolved.readMode === 'readindex' || resolved.readMode === 'log', 'bad readMode');
  for (const name of ['tickMs', 'sessionsMax', 'proposalTimeoutMs'] as const) {
    const value = resolved[name];
    assert(Number.isSafeInteger(value) && value > 0, `${name} must be a positive integer`);
  }
  const { keyBytesMax, valueBytesMax } = resolved.limitsResolved;
  assert(Number.isSafeInteger(keyBytesMax) && keyBytesMax > 0, 'keyBytesMax must be > 0');
  assert(Number.isSafeInteger(valueBytesMax) && valueBytesMax > 0, 'valueBytesMax must be > 0');
  return resolved;
}
