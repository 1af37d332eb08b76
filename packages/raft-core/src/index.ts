// @kvraft/raft-core: Raft as a pure, deterministic state machine plus a thin async driver.
// Table of contents: data types and messages, the pure core (RawNode), membership (configs,
// joint quorums, the changer), the driver (RaftNode)
// and its ports, and deterministic text renderings for logs and golden tests.
export { AssertionError, assert, assertNever } from './assert.ts';
export type {
  ChangeResult,
  ConfChange,
  ConfChangeRefusal,
  ConfChangeSingle,
  ConfChangeTransition,
} from './confchange/changer.ts';
export { changeConfig, leaveJoint } from './confchange/changer.ts';
export { describeEntry, describeMessage, describeReady, describeStatus } from './describe.ts';
export { DeadlineQueue, type DeadlineQueueOptions } from './driver/deadline-queue.ts';
export type {
  Clock,
  PersistedState,
  Persister,
  PersistUpdate,
  TimerHandle,
  Transport,
} from './driver/ports.ts';
export type {
  ApplyMsg,
  Leadership,
  NodeStatus,
  RaftNodeOptions,
  ReadIndexResult,
} from './driver/raft-node.ts';
export { RaftNode } from './driver/raft-node.ts';
export {
  compareLogPositions,
  formatLogPosition,
  type LogPosition,
  lastLogPosition,
  laterLogPosition,
  logStart,
} from './log-position.ts';
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
export type { RaftOptions, ResolvedRaftOptions } from './options.ts';
export { resolveRaftOptions } from './options.ts';
export { crc32 } from './persister-kit/crc32.ts';
export type { Prng } from './prng.ts';
export { createPrng } from './prng.ts';
export { type JointVoters, jointCommittedIndex, jointVoteResult } from './quorum/joint.ts';
export { committedIndex, quorumSize, tallyVotes, type VoteResult } from './quorum/majority.ts';
export type { ConfChangeError, ProposeError, RaftStorageState, Role } from './raft.ts';
export { RaftLog } from './raft-log.ts';
export type { ConfChangeResult, ProposeResult, RaftStatus, Ready, SoftState } from './raw-node.ts';
export { RawNode } from './raw-node.ts';
export type { ReadState } from './read-only.ts';
export {
  assertConfigShape,
  bootstrapConfig,
  type ConfigState,
  canonicalConfig,
  configKey,
  decodeConfigState,
  describeConfig,
  encodeConfigState,
  isJoint,
  isVoterIn,
  type MemberAddress,
  memberIds,
  sameConfig,
} from './tracker/config.ts';
export { ConfigTracker } from './tracker/config-tracker.ts';
export { Progress, type ProgressState } from './tracker/progress.ts';
export type { Entry, EntryKind, HardState, LogIndex, NodeId, Snapshot, Term } from './types.ts';
export { emptyHardState, entryBytes, entryOverheadBytes, hardStateBytes } from './types.ts';
