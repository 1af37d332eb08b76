// RawNode: the synchronous API around the Raft state machine, in etcd's Ready/Advance shape.
// Contract for the caller, per Ready, in order: (1) send messagesBeforeSave and persist
// hardState, snapshot, truncateFrom and entries as one atomic save; (2) once the save is
// durable, send messagesAfterSave; (3) install applySnapshot, then apply committedEntries in
// order; (4) call advance(ready). The core decides which messages may leave before the save
// (thesis §10.2.1); the caller never inspects message types for it.
// Input may be stepped between ready() and advance(); it lands in the next Ready.

import type { ConfChange } from './confchange/changer.ts';
import type { Message } from './messages.ts';
import type { RaftOptions } from './options.ts';
import {
  type ConfChangeError,
  type ProposeError,
  Raft,
  type RaftStorageState,
  type Role,
} from './raft.ts';
import type { ReadState } from './read-only.ts';
import type { ConfigState } from './tracker/config.ts';
import type { Entry, HardState, LogIndex, NodeId, Snapshot, Term } from './types.ts';

/** Volatile state worth reporting when it changes. */
export interface SoftState {
  readonly role: Role;
  readonly leaderId: NodeId | null;
}

/** Everything the caller must persist, send and apply for one round. */
export interface Ready {
  readonly softState: SoftState | null;
  readonly hardState: HardState | null;
  readonly snapshot: Snapshot | null;
  readonly truncateFrom: LogIndex | null;
  readonly entries: readonly Entry[];
  /**
   * Messages that may leave at once, in parallel with this Ready's save: a leader's own
   * requests (AppendEntries, Heartbeat, InstallSnapshot, TimeoutNow), thesis §10.2.1.
   */
  readonly messagesBeforeSave: readonly Message[];
  /** Messages that may leave only once this Ready's save is durable (votes, acknowledgements). */
  readonly messagesAfterSave: readonly Message[];
  readonly applySnapshot: Snapshot | null;
  readonly committedEntries: readonly Entry[];
  readonly readStates: readonly ReadState[];
  /** ReadIndex contexts that can no longer be confirmed (leadership lost). */
  readonly failedReads: readonly number[];
}

/** A node's state for status displays and invariant checks. */
export interface RaftStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: Term;
  readonly votedFor: NodeId | null;
  readonly leaderId: NodeId | null;
  readonly commitIndex: LogIndex;
  readonly appliedIndex: LogIndex;
  readonly persistedIndex: LogIndex;
  readonly lastIndex: LogIndex;
  readonly snapshotIndex: LogIndex;
  readonly snapshotTerm: Term;
  /** The configuration in force at the applied index (thesis §4.3). */
  readonly config: ConfigState;
  /** Where that configuration came from: a config entry's or snapshot's index, 0 for bootstrap. */
  readonly configIndex: LogIndex;
  /** Catching up on entries its store lost: it neither votes nor campaigns until it has. */
  readonly recovering: boolean;
}

/** The result of a proposal. */
export type ProposeResult =
  | { readonly ok: true; readonly index: LogIndex; readonly term: Term }
  | { readonly ok: false; readonly error: ProposeError; readonly leaderId: NodeId | null };

/** The result of proposing a membership change; `nodeId` names the member a refusal is about. */
export type ConfChangeResult =
  | {
      readonly ok: true;
      readonly index: LogIndex;
      readonly term: Term;
      readonly config: ConfigState;
    }
  | {
      readonly ok: false;
      readonly error: ConfChangeError;
      readonly leaderId: NodeId | null;
      readonly nodeId?: NodeId;
    };

/** Synchronous Raft node: feed it input, drain Readys, acknowledge them. */
export class RawNode {
  private readonly raft: Raft;
  private prevHardState: HardState;
  private prevSoftState: SoftState;

  constructor(options: RaftOptions, storage: RaftStorageState) {
    this.raft = new Raft(options, storage);
    this.prevHardState = this.raft.hardState();
    this.prevSoftState = this.softState();
  }

  /** Advances logical time by one tick. */
  tick(): void {
    this.raft.tick();
  }

  /** Handles one message from a peer. */
  step(message: Message): void {
    this.raft.step(message);
  }

  /** Proposes a command; on success it will be committed at `index` unless leadership is lost. */
  propose(data: Uint8Array): ProposeResult {
    const result = this.raft.propose(data);
    if (result.ok) return result;
    return { ok: false, error: result.error, leaderId: this.raft.leaderId };
  }

  /**
   * Proposes a membership change (thesis §4.3, etcd's ConfChangeV2). On success the config entry
   * sits at `index`; the new configuration takes effect on each node when that entry is applied.
   */
  proposeConfChange(change: ConfChange): ConfChangeResult {
    const result = this.raft.proposeConfChange(change);
    if (result.ok) return result;
    return { ...result, leaderId: this.raft.leaderId };
  }

  /** Starts a ReadIndex read under `context`; false when this node is not the leader. */
  readIndex(context: number): boolean {
    return this.raft.readIndex(context);
  }

  /** Starts a leadership transfer to `target`; false when not possible. */
  transferLeadership(target: NodeId): boolean {
    return this.raft.transferLeadership(target);
  }

  /** On a leader, each member's match index (thesis §3.5); empty on other roles. */
  matchIndexes(): ReadonlyMap<NodeId, LogIndex> {
    return this.raft.matchIndexes();
  }

  /** Compacts the log up to `index` (at or below applied) into a snapshot holding `data`. */
  snapshot(index: LogIndex, data: Uint8Array): void {
    this.raft.compact(index, data);
  }

  /** Whether ready() has anything for the caller. */
  hasReady(): boolean {
    const { log } = this.raft;
    return (
      this.raft.hasPending() ||
      this.raft.messages.length > 0 ||
      this.raft.readStates.length > 0 ||
      this.raft.failedReads.length > 0 ||
      log.pendingSnapshot !== null ||
      log.pendingApplySnapshot !== null ||
      log.pendingTruncateFrom !== null ||
      log.unstableFrom <= log.lastIndex() ||
      Math.min(log.commitIndex, log.persistedIndex) > log.appliedIndex ||
      !sameTermAndVote(this.raft.hardState(), this.prevHardState) ||
      !sameSoftState(this.softState(), this.prevSoftState)
    );
  }

  /** Collects the next round of work and marks it as handed out. */
  ready(): Ready {
    const { log } = this.raft;
    const applySnapshot = log.pendingApplySnapshot;
    const committedEntries = log.applicableEntries();
    // The apply point: configurations in what is handed out take effect now (Raft.advanceApplied),
    // before the rest is collected, so an auto-leave entry or a step-down lands in this Ready.
    this.raft.advanceApplied(applySnapshot, committedEntries);
    this.raft.flushPending();
    const hardState = this.raft.hardState();
    const softState = this.softState();
    const entries = log.unstableEntries();
    const logChanges =
      entries.length > 0 || log.pendingSnapshot !== null || log.pendingTruncateFrom !== null;
    // The commit index is saved lazily, with the next save that must happen anyway (etcd does
    // the same): a change of commitIndex alone asks for no save, so applying never waits for
    // one. Safe because commitment is a fact about a majority's durable logs, not about this
    // node's hard state: an entry is committed once a majority stored it (Raft §5.3, §5.4.2),
    // and by Leader Completeness (§5.4) every later leader holds it, whatever commitIndex this
    // node remembers. After a crash the node restarts with an older commitIndex (at least its
    // snapshot's index) and learns the rest from the leader's next AppendEntries or Heartbeat;
    // the state machine is rebuilt from the snapshot and the log, so nothing applied is lost.
    const hardStateDue =
      !sameHardState(hardState, this.prevHardState) &&
      (logChanges || !sameTermAndVote(hardState, this.prevHardState));
    const ready: Ready = {
      softState: sameSoftState(softState, this.prevSoftState) ? null : softState,
      hardState: hardStateDue ? hardState : null,
      snapshot: log.pendingSnapshot,
      truncateFrom: log.pendingTruncateFrom,
      entries,
      messagesBeforeSave: this.raft.messages.filter((m) => this.mayLeaveBeforeSave(m)),
      messagesAfterSave: this.raft.messages.filter((m) => !this.mayLeaveBeforeSave(m)),
      applySnapshot,
      committedEntries,
      readStates: this.raft.readStates,
      failedReads: this.raft.failedReads,
    };
    // prevHardState is what storage was last given, so a skipped commitIndex rides along later.
    if (hardStateDue) this.prevHardState = hardState;
    this.prevSoftState = softState;
    this.raft.messages = [];
    this.raft.readStates = [];
    this.raft.failedReads = [];
    log.pendingSnapshot = null;
    log.pendingApplySnapshot = null;
    log.pendingTruncateFrom = null;
    log.unstableFrom = log.lastIndex() + 1;
    return ready;
  }

  /** Acknowledges that `ready` was persisted, sent and applied. */
  advance(ready: Ready): void {
    const last = ready.entries[ready.entries.length - 1];
    if (last !== undefined) this.raft.log.stableTo(last.index, last.term);
    this.raft.onPersisted();
  }

  /** Returns this node's current state. */
  status(): RaftStatus {
    const { log } = this.raft;
    return {
      id: this.raft.id,
      role: this.raft.role,
      term: this.raft.term,
      votedFor: this.raft.votedFor,
      leaderId: this.raft.leaderId,
      commitIndex: log.commitIndex,
      appliedIndex: log.appliedIndex,
      persistedIndex: log.persistedIndex,
      lastIndex: log.lastIndex(),
      snapshotIndex: log.snapshotIndex,
      snapshotTerm: log.snapshotTerm,
      config: this.raft.tracker.config,
      configIndex: this.raft.tracker.configIndex,
      recovering: this.raft.recovering,
    };
  }

  /** The retained log entries (after the snapshot), for inspection. */
  logEntries(): readonly Entry[] {
    return this.raft.log.retained();
  }

  // TEST ONLY bug (replyVoteBeforeSave): a vote leaves before the save that makes it durable.
  private mayLeaveBeforeSave(message: Message): boolean {
    if (this.raft.bugs.replyVoteBeforeSave && message.type === 'RequestVoteReply') return true;
    return mayLeaveBeforeSave(message);
  }

  private softState(): SoftState {
    return { role: this.raft.role, leaderId: this.raft.leaderId };
  }
}

// Thesis §10.2.1: a leader may write to its own disk in parallel with replicating to followers,
// because it counts itself toward commitment only once its entries are durable (persistedIndex
// is its match index) and it sends nothing that claims its own durability. Only a leader sends
// these four types, and it sends them in a term it already saved: it became a candidate, saved
// term and vote, and only then sent the RequestVotes that made it leader. A crash before the
// save loses nothing acknowledged: the entries were not counted, and followers that stored them
// hold uncommitted entries a later leader may overwrite (Raft §5.3). Votes and follower
// acknowledgements are promises about this node's durable state, so they wait (Raft §5.2, §5.3).
const sendableBeforeSave: ReadonlySet<Message['type']> = new Set<Message['type']>([
  'AppendEntries',
  'Heartbeat',
  'InstallSnapshot',
  'TimeoutNow',
]);

function mayLeaveBeforeSave(message: Message): boolean {
  return sendableBeforeSave.has(message.type);
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.votedFor === b.votedFor && a.commitIndex === b.commitIndex;
}

// Term and vote must be durable before any message that depends on them (Raft §5.2).
function sameTermAndVote(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.votedFor === b.votedFor;
}

function sameSoftState(a: SoftState, b: SoftState): boolean {
  return a.role === b.role && a.leaderId === b.leaderId;
}
