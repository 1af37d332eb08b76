// Every limit and knob of the Raft core, validated once at construction (TigerBeetle: "put a
// limit on everything"). Units are last in every name.
import { assert } from './assert.ts';
import type { RaftBugs, raftBugsKey } from './bugs.ts';
import type { Prng } from './prng.ts';
import type { MemberAddress } from './tracker/config.ts';
import type { NodeId } from './types.ts';

/** Options for one Raft node. */
export interface RaftOptions {
  readonly id: NodeId;
  /**
   * The voters of the bootstrap configuration (the one in force at index 0), including this node;
   * empty for a node that joins a running cluster: it learns the configuration from the leader.
   */
  readonly peers: readonly NodeId[];
  /** Addresses of the bootstrap voters, kept in the configuration for member listings. */
  readonly addresses?: readonly MemberAddress[];
  /** The only source of randomness (election jitter). */
  readonly prng: Prng;
  /** Base election timeout; each election waits a random value in [base, 2 × base). */
  readonly electionTimeoutTicks?: number;
  /** Ticks between heartbeats; must be well below the election timeout. */
  readonly heartbeatTicks?: number;
  /** Run a PreVote round before disrupting the cluster with a new term (thesis §9.6). */
  readonly preVote?: boolean;
  /** Leaders step down without a majority's contact each election timeout (thesis §6.2). */
  readonly checkQuorum?: boolean;
  /** Upper bound on entry data bytes per AppendEntries (at least one entry is always sent). */
  readonly appendBytesMax?: number;
  /** AppendEntries messages in flight per follower in replicate state (pipelining window). */
  readonly inflightMessagesMax?: number;
  /** Bytes of proposed but uncommitted entry data a leader accepts before refusing proposals. */
  readonly uncommittedBytesMax?: number;
  /** A learner lagging the leader's last index by more entries than this cannot be promoted. */
  readonly promoteLagEntriesMax?: number;
  /** Receives one line per notable event (role changes, elections); silent by default. */
  readonly logger?: (line: string) => void;
  /** TEST ONLY: deliberate bugs; the key is exported by `@kvraft/raft-core/testing` alone. */
  readonly [raftBugsKey]?: RaftBugs;
}

/** Options with every default filled in (the bug switches stay optional: see bugs.ts). */
export type ResolvedRaftOptions = Required<Omit<RaftOptions, typeof raftBugsKey>> &
  Pick<RaftOptions, typeof raftBugsKey>;

/** Fills defaults and validates every option; throws on a bad value. */
export function resolveRaftOptions(options: RaftOptions): ResolvedRaftOptions {
  const resolved: ResolvedRaftOptions = {
    electionTimeoutTicks: 30,
    heartbeatTicks: 10,
    preVote: true,
    checkQuorum: true,
    appendBytesMax: 1024 * 1024,
    inflightMessagesMax: 64,
    uncommittedBytesMax: 64 * 1024 * 1024,
    promoteLagEntriesMax: 64,
    addresses: [],
    logger: () => {},
    ...options,
  };
  const positive = (name: Exclude<keyof ResolvedRaftOptions, symbol>): void => {
    const value = resolved[name];
    assert(
      typeof value === 'number' && Number.isSafeInteger(value) && value > 0,
      `${name} must be a positive integer`,
    );
  };
  positive('electionTimeoutTicks');
  positive('heartbeatTicks');
  positive('appendBytesMax');
  positive('inflightMessagesMax');
  positive('uncommittedBytesMax');
  assert(
    Number.isSafeInteger(resolved.promoteLagEntriesMax) && resolved.promoteLagEntriesMax >= 0,
    'promoteLagEntriesMax must be a non-negative integer',
  );
  assert(
    resolved.heartbeatTicks < resolved.electionTimeoutTicks,
    'heartbeatTicks must be below electionTimeoutTicks',
  );
  assert(
    resolved.peers.length === 0 || resolved.peers.includes(resolved.id),
    'peers must include this node (or be empty for a node that joins)',
  );
  assert(new Set(resolved.peers).size === resolved.peers.length, 'peers must be distinct');
  return resolved;
}
