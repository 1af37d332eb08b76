// Raft's messages as plain tagged records. Tags are the RPC names of the paper and thesis;
// replies are separate messages because the core is message-passing, not RPC (like etcd-io/raft).
import type { Entry, LogIndex, NodeId, Snapshot, Term } from './types.ts';

interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: Term;
}

/** RequestVote (Raft §5.2), also used for PreVote (thesis §9.6) when `preVote` is set. */
export interface RequestVote extends Envelope {
  readonly type: 'RequestVote';
  readonly preVote: boolean;
  readonly lastLogIndex: LogIndex;
  readonly lastLogTerm: Term;
  /** Set when the election was started by TimeoutNow (thesis §3.10): it overrides leases. */
  readonly transfer: boolean;
}

/** Reply to RequestVote or PreVote. */
export interface RequestVoteReply extends Envelope {
  readonly type: 'RequestVoteReply';
  readonly preVote: boolean;
  readonly voteGranted: boolean;
}

/** AppendEntries (Raft §5.3) carrying zero or more entries; heartbeats are a separate type. */
export interface AppendEntries extends Envelope {
  readonly type: 'AppendEntries';
  readonly prevLogIndex: LogIndex;
  readonly prevLogTerm: Term;
  readonly entries: readonly Entry[];
  readonly leaderCommit: LogIndex;
}

/** Reply to AppendEntries, with the fast-backup hint of Raft §5.3 when rejected. */
export interface AppendEntriesReply extends Envelope {
  readonly type: 'AppendEntriesReply';
  readonly success: boolean;
  /** On success: the index of the last entry now known to match the leader. */
  readonly matchIndex: LogIndex;
  /** On rejection: the prevLogIndex that was rejected, so stale rejections can be ignored. */
  readonly rejectedIndex: LogIndex;
  /** On rejection: the term of the follower's entry at prevLogIndex, or 0 if it has none. */
  readonly conflictTerm: Term;
  /** On rejection: the first index of conflictTerm in the follower's log, or its lastIndex + 1. */
  readonly conflictIndex: LogIndex;
  /**
   * The follower is recovering entries its store lost, so a rejection at or below its
   * matchIndex is news, not a stale reply (absent from peers that predate recovery).
   */
  readonly recovering?: boolean;
}

/** Heartbeat: leadership assertion with the commit index and a ReadIndex context (thesis §6.4). */
export interface Heartbeat extends Envelope {
  readonly type: 'Heartbeat';
  readonly leaderCommit: LogIndex;
  /** The newest ReadIndex context this heartbeat round confirms; 0 when there is none. */
  readonly readContext: number;
}

/** Reply to Heartbeat, echoing its ReadIndex context. */
export interface HeartbeatReply extends Envelope {
  readonly type: 'HeartbeatReply';
  readonly readContext: number;
  /**
   * The follower is recovering entries its store lost: its matchIndex at the leader may be
   * stale, so the leader probes it with AppendEntries even when that matchIndex looks current.
   */
  readonly recovering?: boolean;
}

/** InstallSnapshot (Raft §7), sent whole, never chunked. */
export interface InstallSnapshot extends Envelope {
  readonly type: 'InstallSnapshot';
  readonly snapshot: Snapshot;
}

/** Reply to InstallSnapshot: the follower's last log index after handling it. */
export interface InstallSnapshotReply extends Envelope {
  readonly type: 'InstallSnapshotReply';
  readonly lastIndex: LogIndex;
}

/** TimeoutNow (thesis §3.10): tells a caught-up follower to start an election at once. */
export interface TimeoutNow extends Envelope {
  readonly type: 'TimeoutNow';
}

/** Every message that travels between Raft nodes. */
export type Message =
  | RequestVote
  | RequestVoteReply
  | AppendEntries
  | AppendEntriesReply
  | Heartbeat
  | HeartbeatReply
  | InstallSnapshot
  | InstallSnapshotReply
  | TimeoutNow;

/** The tag of every message type. */
export type MessageType = Message['type'];

const requestTypes: ReadonlySet<MessageType> = new Set<MessageType>([
  'RequestVote',
  'AppendEntries',
  'Heartbeat',
  'InstallSnapshot',
  'TimeoutNow',
]);

/** Whether a message starts an exchange (counts as one RPC) rather than answering one. */
export function isRequestMessage(message: Message): boolean {
  return requestTypes.has(message.type);
}

/** An estimate of a message's encoded size in bytes, used for batching caps and RPC byte budgets. */
export function messageBytes(message: Message): number {
  const headerBytes = 32;
  switch (message.type) {
    case 'AppendEntries': {
      let bytes = headerBytes + 24;
      for (const entry of message.entries) bytes += 21 + entry.data.length;
      return bytes;
    }
    case 'InstallSnapshot':
      return headerBytes + 16 + message.snapshot.data.length;
    default:
      return headerBytes + 16;
  }
}
