// Turns a proposed membership change into the next configuration (thesis §4.3; etcd's ConfChangeV2
// and confchange.Changer as reference design), or a typed refusal. Pure: the leader calls it
// with its applied configuration, and the resulting configuration is what the log entry carries,
// so every replica adopts the same configuration at the same index without recomputing it.
import { assertNever } from '../assert.ts';
import {
  type ConfigState,
  canonicalConfig,
  isJoint,
  type MemberAddress,
  sameConfig,
} from '../tracker/config.ts';
import type { NodeId } from '../types.ts';

/** One step of a change: make a node a voter or a learner, or remove it. */
export interface ConfChangeSingle {
  readonly type: 'addVoter' | 'addLearner' | 'remove';
  readonly nodeId: NodeId;
  /** The member's address, carried to every replica in the entry; kept when omitted. */
  readonly address?: string;
}

/**
 * How a change is carried out. `auto`: a simple change when at most one voter changes, otherwise
 * joint consensus left automatically; `joint-implicit`: always joint, left automatically;
 * `joint-explicit`: joint until an empty change (`changes: []`) leaves it.
 */
export type ConfChangeTransition = 'auto' | 'joint-implicit' | 'joint-explicit';

/** A membership change (etcd's ConfChangeV2): no changes at all means "leave the joint state". */
export interface ConfChange {
  readonly changes: readonly ConfChangeSingle[];
  readonly transition?: ConfChangeTransition;
}

/** Why a change cannot become a configuration. */
export type ConfChangeRefusal =
  | 'UnknownNode'
  | 'RemovesLastVoter'
  | 'AlreadyJoint'
  | 'NotJoint'
  | 'NoChange';

/** The next configuration, or why there is none. */
export type ChangeResult =
  | { readonly ok: true; readonly config: ConfigState }
  | { readonly ok: false; readonly error: ConfChangeRefusal };

/** Computes the configuration that `change` leads to from `current` (never mutates it). */
export function changeConfig(current: ConfigState, change: ConfChange): ChangeResult {
  if (change.changes.length === 0) return leaveJoint(current);
  if (isJoint(current)) return { ok: false, error: 'AlreadyJoint' };
  const transition = change.transition ?? 'auto';
  const simple = applyChanges(current, change.changes, false);
  if (!simple.ok) return simple;
  const voterChanges = symmetricDifference(current.voters, simple.config.voters);
  if (transition === 'auto' && voterChanges <= 1) return simple;
  const joint = applyChanges(current, change.changes, true);
  if (!joint.ok) return joint;
  const autoLeave = transition !== 'joint-explicit';
  return { ok: true, config: canonicalConfig({ ...joint.config, autoLeave }) };
}

/** Leaves joint consensus: C_new alone, demoted voters become learners (thesis §4.3). */
export function leaveJoint(current: ConfigState): ChangeResult {
  if (!isJoint(current)) return { ok: false, error: 'NotJoint' };
  const config = canonicalConfig({
    ...current,
    outgoingVoters: [],
    learners: [...current.learners, ...current.learnersNext],
    learnersNext: [],
    autoLeave: false,
  });
  return { ok: true, config };
}

interface Draft {
  voters: Set<NodeId>;
  learners: Set<NodeId>;
  learnersNext: Set<NodeId>;
  addresses: Map<NodeId, string>;
}

// Applies every step to the incoming half; with `joint`, the current voters become C_old.
function applyChanges(
  current: ConfigState,
  changes: readonly ConfChangeSingle[],
  joint: boolean,
): ChangeResult {
  const draft: Draft = {
    voters: new Set(current.voters),
    learners: new Set(current.learners),
    learnersNext: new Set(),
    addresses: new Map(current.addresses.map(({ id, address }) => [id, address])),
  };
  const outgoing = joint ? current.voters : [];
  for (const step of changes) {
    const known = draft.voters.has(step.nodeId) || draft.learners.has(step.nodeId);
    if (step.type === 'remove' && !known) return { ok: false, error: 'UnknownNode' };
    applyStep(draft, step, outgoing);
  }
  if (draft.voters.size === 0) return { ok: false, error: 'RemovesLastVoter' };
  const addresses: MemberAddress[] = [...draft.addresses].map(([id, address]) => ({ id, address }));
  const config = canonicalConfig({
    voters: [...draft.voters],
    outgoingVoters: outgoing,
    learners: [...draft.learners],
    learnersNext: [...draft.learnersNext],
    autoLeave: false,
    addresses,
  });
  if (sameConfig(config, current)) return { ok: false, error: 'NoChange' };
  return { ok: true, config };
}

function applyStep(draft: Draft, step: ConfChangeSingle, outgoing: readonly NodeId[]): void {
  const id = step.nodeId;
  if (step.address !== undefined) draft.addresses.set(id, step.address);
  switch (step.type) {
    case 'addVoter':
      draft.learners.delete(id);
      draft.learnersNext.delete(id);
      draft.voters.add(id);
      return;
    case 'addLearner':
      draft.voters.delete(id);
      // An outgoing voter still votes in C_old: it becomes a learner only when joint is left.
      if (outgoing.includes(id)) draft.learnersNext.add(id);
      else draft.learners.add(id);
      return;
    case 'remove':
      draft.voters.delete(id);
      draft.learners.delete(id);
      draft.learnersNext.delete(id);
      if (!outgoing.includes(id)) draft.addresses.delete(id);
      return;
    default:
      return assertNever(step.type, 'conf change type');
  }
}

function symmetricDifference(a: readonly NodeId[], b: readonly NodeId[]): number {
  const left = a.filter((id) => !b.includes(id)).length;
  return left + b.filter((id) => !a.includes(id)).length;
}

/** Ids that `next` makes voters although `current` does not have them as incoming voters. */
export function newVoters(current: ConfigState, next: ConfigState): NodeId[] {
  return next.voters.filter((id) => !current.voters.includes(id));
}
