// Admin requests carried next to client requests on the client port: `status` (what
// `kvraft status` prints), and membership (thesis §4.3): `members` lists the configuration a node
// has applied, `member-change` adds a learner, promotes one or removes a member, and
// `transfer-leader` hands leadership to a voter (thesis §3.10). They live here, at the transport
// level, because they are about nodes, not about the KV service's client protocol.
import type { MemberChange, MemberChangeError } from '@kvraft/kv-service';
import type { NodeId } from '@kvraft/raft-core';

/** An admin request to one node. */
export type AdminRequest =
  | { readonly kind: 'status' }
  | { readonly kind: 'members' }
  | { readonly kind: 'member-change'; readonly change: MemberChange }
  | { readonly kind: 'transfer-leader'; readonly id: NodeId };

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
  /**
   * The node's store came back with less than it acknowledged, and it withholds its vote until a
   * leader has restored its log (absent from nodes of older versions).
   */
  readonly recovering?: boolean;
}

/** One member as a node reports it. */
export interface MemberReport {
  readonly id: NodeId;
  /** The address it was added with ('' for a bootstrap member that announced none). */
  readonly address: string;
  readonly role: 'voter' | 'learner';
  /** The leader's view of its match index (thesis §3.5); null when the reporter does not lead. */
  readonly matchIndex: number | null;
}

/** The configuration one node has applied, with the leader's replication view when it leads. */
export interface MembersReport {
  /** Who answers, and whom it believes leads (null: none known). */
  readonly nodeId: NodeId;
  readonly leaderId: NodeId | null;
  /** Index of the config entry (or snapshot) the configuration came from; 0 for bootstrap. */
  readonly configIndex: number;
  /** A joint configuration (thesis §4.3) is half done. */
  readonly joint: boolean;
  readonly members: readonly MemberReport[];
}

/**
 * Why an admin change was refused, or `Timeout` when its outcome is unknown. Membership's
 * reasons, plus `NotVoter`: leadership can only go to a voter of the configuration.
 */
export type AdminError = MemberChangeError | 'NotVoter';

/** A refused (or unknown-outcome) admin change; `leaderHint` names the leader to ask instead. */
export interface AdminRefusal {
  readonly ok: false;
  readonly error: AdminError;
  readonly leaderHint?: NodeId;
  readonly message?: string;
}

/** The outcome of a `member-change`: the members right after it applied, or why not. */
export type MemberChangeOutcome =
  | { readonly ok: true; readonly index: number; readonly members: MembersReport }
  | AdminRefusal;

/** The outcome of a `transfer-leader`: who leads now, or why not. */
export type TransferOutcome = { readonly ok: true; readonly leaderId: NodeId } | AdminRefusal;

/** The reply to an admin request, of the same kind. */
export type AdminReply =
  | { readonly kind: 'status'; readonly status: NodeStatusReport }
  | { readonly kind: 'members'; readonly members: MembersReport }
  | { readonly kind: 'member-change'; readonly outcome: MemberChangeOutcome }
  | { readonly kind: 'transfer-leader'; readonly outcome: TransferOutcome };

/** Every AdminError, in the order the docs list them. */
export const adminErrors: readonly AdminError[] = [
  'NotLeader',
  'UnknownMember',
  'AlreadyMember',
  'AlreadyVoter',
  'ChangeInProgress',
  'RemovesLastVoter',
  'LearnerNotCaughtUp',
  'NotVoter',
  'BadRequest',
  'Timeout',
];
