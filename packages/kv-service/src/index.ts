// @kvraft/kv-service: the replicated KV service on Raft. Table of contents: the client protocol
// and its validation, the command and snapshot encodings, sessions, the pure state machine, and
// the server node. Test-only bug switches live in `@kvraft/kv-service/testing`.

export { crc32 } from '@kvraft/raft-core';
export {
  type Command,
  commandFormatVersion,
  type DecodeCommandResult,
  decodeCommand,
  encodeCommand,
} from './command-codec.ts';
export { KvServer } from './kv-server.ts';
export { KvStateMachine, type KvStateMachineOptions } from './kv-state-machine.ts';
export { MemberChanges, type MemberChangesOptions } from './member-changes.ts';
export {
  confChangeOf,
  type MemberChange,
  type MemberChangeError,
  type MemberChangeReply,
  type MemberInfo,
  type MemberList,
  memberAddressLengthMax,
  memberChangeErrorOf,
  memberListOf,
} from './membership.ts';
export {
  type KvRaftTuning,
  type KvServerOptions,
  kvServerDefaults,
  type ReadMode,
  type ResolvedKvServerOptions,
  resolveKvServerOptions,
} from './options.ts';
export {
  type ClientErrorCode,
  type ClientId,
  type ClientReply,
  type ClientRequest,
  type ClientRequestKind,
  type ProtocolLimits,
  protocolLimitsDefault,
  validateRequest,
} from './protocol.ts';
export { type Session, SessionTable } from './session-table.ts';
export {
  type DecodeSnapshotResult,
  decodeSnapshot,
  encodeSnapshot,
  type KvSnapshot,
  snapshotFormatVersion,
} from './snapshot-codec.ts';
export {
  raftStateFactorMax,
  type SnapshotPolicyInput,
  snapshotDue,
  snapshotDueBytes,
  snapshotLogRatioMinDefault,
} from './snapshot-policy.ts';
