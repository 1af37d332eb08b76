// Core Raft data types shared by the pure state machine, the driver and every port.
// Log indices are 1-based; 0 means "none" (before the first entry). Terms start at 0.
// Everything here is plain data: no classes, no I/O, safe to copy and serialise.
import type { ConfigState } from './tracker/config.ts';

/** A Raft term (paper §5.1): a monotonically increasing logical clock, 0 before any election. */
export type Term = number;
/** A 1-based position in the Raft log; 0 means "no entry". */
export type LogIndex = number;
/** A node's identity inside one cluster (any non-negative safe integer). */
export type NodeId = number;

/**
 * What an entry carries: a service command, the no-op a new leader appends (Raft §8), or a
 * configuration (thesis §4.3) whose data is `encodeConfigState` of the whole new configuration.
 */
export type EntryKind = 'command' | 'noop' | 'config';

/** One log entry (Raft Figure 2). `data` is opaque to Raft except in config entries. */
export interface Entry {
  readonly index: LogIndex;
  readonly term: Term;
  readonly kind: EntryKind;
  readonly data: Uint8Array;
}

/** State that must be durable before a node answers RPCs (Raft Figure 2, plus commitIndex). */
export interface HardState {
  readonly term: Term;
  readonly votedFor: NodeId | null;
  /** Persisting commitIndex is optional in the paper; keeping it lets a restart re-apply sooner. */
  readonly commitIndex: LogIndex;
}

/** A state-machine snapshot covering every entry up to and including `index` (Raft §7). */
export interface Snapshot {
  readonly index: LogIndex;
  readonly term: Term;
  readonly data: Uint8Array;
  /**
   * The configuration in force at `index` (thesis §4.3). Absent only in snapshots written before
   * membership changes existed, which were all taken under the bootstrap configuration.
   */
  readonly config?: ConfigState;
}

/** The hard state of a node that has never run. */
export const emptyHardState: HardState = { term: 0, votedFor: null, commitIndex: 0 };

/** Fixed byte cost of a persisted hard state (term, votedFor, commitIndex as 8-byte integers). */
export const hardStateBytes = 24;
/** Fixed per-entry byte cost on top of the data (index 8, term 8, kind 1, length 4). */
export const entryOverheadBytes = 21;

/** The canonical persisted size of one entry: what `raftStateSize()` adds for it. */
export function entryBytes(entry: Entry): number {
  return entryOverheadBytes + entry.data.length;
}
