// Membership as the KV service offers it (thesis §4.3 through raft-core's ConfChange): the member
// list a node reports, the three operator changes (add a learner with its address, promote a
// learner, remove a member) with their typed refusals, and the mapping from raft-core's reasons.
// Pure: KvServer calls these with its node's configuration; no I/O, no clock.
import type { ConfChange, ConfChangeError, ConfigState, LogIndex, NodeId } from '@kvraft/raft-core';

/** One member of the cluster: its id, the address it announced ('' if unknown), its role. */
export interface MemberInfo {
  readonly id: NodeId;
  readonly address: string;
  readonly role: 'voter' | 'learner';
}

/** The configuration a node has applied, as a member listing. */
export interface MemberList {
  /** The index of the config entry (or snapshot) it came from; 0 for the bootstrap one. */
  readonly configIndex: LogIndex;
  /** Whether a joint change (thesis §4.3) is half done; a leader leaves it by itself. */
  readonly joint: boolean;
  /** Every member, sorted by id; voters of either joint half count as voters. */
  readonly members: readonly MemberInfo[];
}

/** An operator's membership change: add a learner, promote a learner, or remove a member. */
export type MemberChange =
  | { readonly kind: 'addLearner'; readonly id: NodeId; readonly address: string }
  | { readonly kind: 'promote'; readonly id: NodeId }
  | { readonly kind: 'remove'; readonly id: NodeId };

/**
 * Why a membership change was refused or has no known outcome. `Timeout`: it was proposed but
 * not seen applied in time (it may still happen; list the members to find out). `NotLeader`: ask
 * `leaderHint`. `ChangeInProgress`: an earlier change (or leadership transfer) is not done yet.
 */
export type MemberChangeError =
  | 'NotLeader'
  | 'UnknownMember'
  | 'AlreadyMember'
  | 'AlreadyVoter'
  | 'ChangeInProgress'
  | 'RemovesLastVoter'
  | 'LearnerNotCaughtUp'
  | 'BadRequest'
  | 'Timeout';

/** The outcome of a membership change: the member list right after it applied, or why not. */
export type MemberChangeReply =
  | { readonly ok: true; readonly index: LogIndex; readonly members: MemberList }
  | {
      readonly ok: false;
      readonly error: MemberChangeError;
      readonly leaderHint?: NodeId;
      readonly message?: string;
    };

/** Longest address a member may announce, in bytes of UTF-16 code units. */
export const memberAddressLengthMax = 256;

/** Lists the members of `config` applied at `configIndex`. */
export function memberListOf(config: ConfigState, configIndex: LogIndex): MemberList {
  const address = (id: NodeId) => config.addresses.find((a) => a.id === id)?.address ?? '';
  const voters = new Set([...config.voters, ...config.outgoingVoters]);
  const learners = new Set([...config.learners, ...config.learnersNext]);
  const ids = [...new Set([...voters, ...learners])].sort((a, b) => a - b);
  const members = ids.map(
    (id): MemberInfo => ({ id, address: address(id), role: voters.has(id) ? 'voter' : 'learner' }),
  );
  return { configIndex, joint: config.outgoingVoters.length > 0, members };
}

/** Turns an operator change into raft-core's ConfChange, or refuses it against `config`. */
export function confChangeOf(
  config: ConfigState,
  change: MemberChange,
): { ok: true; change: ConfChange } | { ok: false; error: MemberChangeError; message?: string } {
  if (!Number.isSafeInteger(change.id) || change.id < 0) {
    return { ok: false, error: 'BadRequest', message: 'member id must be a non-negative integer' };
  }
  const list = memberListOf(config, 0).members;
  const member = list.find((m) => m.id === change.id);
  switch (change.kind) {
    case 'addLearner': {
      const { address } = change;
      if (
        typeof address !== 'string' ||
        address === '' ||
        address.length > memberAddressLengthMax
      ) {
        return { ok: false, error: 'BadRequest', message: 'address must be 1–256 characters' };
      }
      if (member !== undefined) return { ok: false, error: 'AlreadyMember' };
      return { ok: true, change: single('addLearner', change.id, address) };
    }
    case 'promote':
      if (member === undefined) return { ok: false, error: 'UnknownMember' };
      if (member.role === 'voter') return { ok: false, error: 'AlreadyVoter' };
      return { ok: true, change: single('addVoter', change.id) };
    case 'remove':
      if (member === undefined) return { ok: false, error: 'UnknownMember' };
      return { ok: true, change: single('remove', change.id) };
  }
}

/** Maps raft-core's refusal of a proposed change to the service's reason. */
export function memberChangeErrorOf(error: ConfChangeError): MemberChangeError {
  switch (error) {
    case 'NotLeader':
      return 'NotLeader';
    case 'UnknownNode':
      return 'UnknownMember';
    case 'RemovesLastVoter':
      return 'RemovesLastVoter';
    case 'LearnerNotCaughtUp':
      return 'LearnerNotCaughtUp';
    case 'NoChange':
      return 'AlreadyMember';
    case 'ChangeInProgress':
    case 'AlreadyJoint':
    case 'NotJoint':
    case 'TransferInProgress':
      return 'ChangeInProgress';
    case 'UncommittedBytesExceeded':
      return 'Timeout';
  }
}

function single(type: 'addVoter' | 'addLearner' | 'remove', nodeId: NodeId, address?: string) {
  const step = address === undefined ? { type, nodeId } : { type, nodeId, address };
  return { changes: [step] };
}
