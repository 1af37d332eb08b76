// Admin requests carried next to client requests on the client port: today only `status`, which
// the CLI's `kvraft status` prints. They live here, at the transport level, because they are
// about a node (Raft role, sizes), not about the KV service's client protocol.
import type { NodeId } from '@kvraft/raft-core';

/** An admin request: ask one node for its status. */
export interface AdminRequest {
  readonly kind: 'status';
}

/** One node's status as `kvraft status` shows it. */
export interface NodeStatusReport {
  readonly nodeId: NodeId;
  readonly role: string;
  readonly term: number;
  /** The leader this node believes in, or null when it knows none. */
  readonly leaderId: NodeId | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  /** Bytes of persisted Raft state (hard state and retained log). */
  readonly raftStateBytes: number;
  /** Bytes of the persisted snapshot's data. */
  readonly snapshotBytes: number;
}

/** The reply to an admin request. */
export interface AdminReply {
  readonly kind: 'status';
  readonly status: NodeStatusReport;
}
