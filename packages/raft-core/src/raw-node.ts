// RawNode: the synchronous API around the Raft state machine, in etcd's Ready/Advance shape.
// Contract for the caller, per Ready, in order: (1) persist hardState, snapshot, truncateFrom and
// entries as one atomic save; (2) send messages (a leader's AppendEntries, Heartbeat,
// InstallSnapshot and TimeoutNow may go before the save, thesis §10.2.1; everything else after);
// (3) install applySnapshot, then apply committedEntries in order; (4) call advance(ready).
// Input may be stepped between ready() and advance(); it lands in the next Ready.
import type { Message } from './messages.ts';
import type { RaftOptions } from './options.ts';
import { type ProposeError, Raft, type RaftStorageState, type Role } from './raft.ts';
import type { ReadState } from './read-only.ts';
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
  readonly messages: readonly Message[];
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
}

/** The result of a proposal. */
export type ProposeResult =
  | { readonly ok: true; readonly index: LogIndex; readonly term: Term }
  | { readonly ok: false; readonly error: ProposeError; readonly leaderId: NodeId | null };

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

  /** Starts a ReadIndex read under `context`; false when this node is not the leader. */
  readIndex(context: number): boolean {
    return this.raft.readIndex(context);
  }

  /** Starts a leadership transfer to `target`; false when not possible. */
  transferLeadership(target: NodeId): boolean {
    return this.raft.transferLeadership(target);
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
      !sameHardState(this.raft.hardState(), this.prevHardState) ||
      !sameSoftState(this.softState(), this.prevSoftState)
    );
  }

  /** Collects the next round of work and marks it as handed out. */
  ready(): Ready {
    this.raft.flushPending();
    const { log } = this.raft;
    const hardState = this.raft.hardState();
    const softState = this.softState();
    const applySnapshot = log.pendingApplySnapshot;
    const ready: Ready = {
      softState: sameSoftState(softState, this.prevSoftState) ? null : softState,
      hardState: sameHardState(hardState, this.prevHardState) ? null : hardState,
      snapshot: log.pendingSnapshot,
      truncateFrom: log.pendingTruncateFrom,
      entries: log.unstableEntries(),
      messages: this.raft.messages,
      applySnapshot,
      committedEntries: log.applicableEntries(),
      readStates: this.raft.readStates,
      failedReads: this.raft.failedReads,
    };
    this.prevHardState = hardState;
    this.prevSoftState = softState;
    this.raft.messages = [];
    this.raft.readStates = [];
    this.raft.failedReads = [];
    log.pendingSnapshot = null;
    log.pendingApplySnapshot = null;
    log.pendingTruncateFrom = null;
    log.unstableFrom = log.lastIndex() + 1;
    if (applySnapshot !== null) log.appliedIndex = applySnapshot.index;
    const lastCommitted = ready.committedEntries[ready.committedEntries.length - 1];
    if (lastCommitted !== undefined) log.appliedIndex = lastCommitted.index;
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
    };
  }

  /** The retained log entries (after the snapshot), for inspection. */
  logEntries(): readonly Entry[] {
    return this.raft.log.retained();
  }

  private softState(): SoftState {
    return { role: this.raft.role, leaderId: this.raft.leaderId };
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.votedFor === b.votedFor && a.commitIndex === b.commitIndex;
}

function sameSoftState(a: SoftState, b: SoftState): boolean {
  return a.role === b.role && a.leaderId === b.leaderId;
}
