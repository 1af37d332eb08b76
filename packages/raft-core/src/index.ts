// @kvraft/raft-core: Raft as a pure, deterministic state machine plus a thin async driver.
export { AssertionError, assert, assertNever } from './assert.ts';
export type {
  AppendEntries,
  AppendEntriesReply,
  Heartbeat,
  HeartbeatReply,
  InstallSnapshot,
  InstallSnapshotReply,
  Message,
  MessageType,
  RequestVote,
  RequestVoteReply,
  TimeoutNow,
} from './messages.ts';
export { isRequestMessage, messageBytes } from './messages.ts';
export type { Prng } from './prng.ts';
export { createPrng } from './prng.ts';
export type { Clock, PersistedState, Persister, PersistUpdate, TimerHandle, Transport } from './driver/ports.ts';
export type { Entry, EntryKind, HardState, LogIndex, NodeId, Snapshot, Term } from './types.ts';
export { emptyHardState, entryBytes, entryOverheadBytes, hardStateBytes } from './types.ts';
