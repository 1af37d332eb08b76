// RaftNode: the thin async driver. It owns the Ready loop over the ports (Persister, Transport,
// Clock), ticks the core on a timer, and hands committed entries to the service in order.
// It never decides anything Raft-related itself; every decision lives in the pure core.
import { assert } from '../assert.ts';
import type { ConfChange } from '../confchange/changer.ts';
import type { Message } from '../messages.ts';
import type { RaftOptions } from '../options.ts';
import type { Role } from '../raft.ts';
import {
  type ConfChangeResult,
  type ProposeResult,
  type RaftStatus,
  RawNode,
  type Ready,
} from '../raw-node.ts';
import type { Entry, LogIndex, NodeId, Snapshot, Term } from '../types.ts';
import { DeadlineQueue } from './deadline-queue.ts';
import type { Clock, Persister, PersistUpdate, TimerHandle, Transport } from './ports.ts';

/** What the driver hands to the service: a committed entry, or a snapshot to install. */
export type ApplyMsg =
  | { readonly kind: 'entry'; readonly entry: Entry }
  | { readonly kind: 'snapshot'; readonly snapshot: Snapshot };

/** Options for a driven Raft node. */
export interface RaftNodeOptions extends RaftOptions {
  readonly persister: Persister;
  readonly transport: Transport;
  readonly clock: Clock;
  /** Milliseconds per Raft tick. */
  readonly tickMs?: number;
  /** How long a ReadIndex may wait for a majority before it fails with Timeout. */
  readonly readTimeoutMs?: number;
  /** Receives committed entries (no-ops included) and snapshots, synchronously and in order. */
  readonly apply: (message: ApplyMsg) => void;
  /**
   * Called synchronously, in order, whenever role, leader or term changes, as the Ready that
   * carries the change is taken (before its save; leadership is volatile state). Not called for
   * the state restored at start: `status()` has it.
   */
  readonly onLeadershipChange?: (leadership: Leadership) => void;
}

/** Who leads in which term, as this node sees it. */
export interface Leadership {
  readonly role: Role;
  readonly leaderId: NodeId | null;
  readonly term: Term;
}

/** The result of a ReadIndex request. */
export type ReadIndexResult =
  | { readonly ok: true; readonly index: LogIndex }
  | { readonly ok: false; readonly error: 'NotLeader' | 'Stopped' | 'Timeout' };

/** A node's status as the driver reports it. */
export type NodeStatus = RaftStatus;

/**
 * Readys handed out whose save has not finished, at most. Saves complete in call order (the
 * Persister contract), so a later Ready's save is queued behind an earlier one and its leader
 * messages leave while the earlier save runs; everything that waits for a save (messages after
 * it, a snapshot install, advance) is finished strictly in Ready order.
 */
export const readysInFlightMax = 4;

/** A Ready handed out and not yet advanced. */
interface ReadyInFlight {
  readonly ready: Ready;
  /** Set once its save (if any) is durable; it may be finished once every earlier one is. */
  saved: boolean;
}

interface PendingRead {
  readonly resolve: (result: ReadIndexResult) => void;
  readonly timer: TimerHandle;
}

/** A Raft node driven by real or simulated ports. */
export class RaftNode {
  private readonly raw: RawNode;
  private readonly options: RaftNodeOptions;
  private readonly tickMs: number;
  private readonly readTimeoutMs: number;
  private tickTimer: TimerHandle | null = null;
  private pumpQueued = false;
  // Invariant: in Ready order; at most readysInFlightMax long.
  private readonly inFlight: ReadyInFlight[] = [];
  private stopped = false;
  private nextReadContext = 1;
  private readonly pendingReads = new Map<number, PendingRead>();
  /** One timer for every pending read's timeout, not one per read. */
  private readonly readDeadlines: DeadlineQueue<number>;
  /** The leadership last reported through onLeadershipChange (or restored at start). */
  private leadership: Leadership;

  private constructor(options: RaftNodeOptions, raw: RawNode) {
    this.options = options;
    this.raw = raw;
    const status = raw.status();
    this.leadership = { role: status.role, leaderId: status.leaderId, term: status.term };
    this.tickMs = options.tickMs ?? 10;
    this.readTimeoutMs = options.readTimeoutMs ?? 2000;
    assert(this.tickMs > 0 && this.readTimeoutMs > 0, 'tickMs and readTimeoutMs must be positive');
    this.readDeadlines = new DeadlineQueue({
      clock: options.clock,
      timeoutMs: this.readTimeoutMs,
      expire: (context) => this.settleRead(context, { ok: false, error: 'Timeout' }),
    });
  }

  /** Loads persisted state, restores the service from the snapshot, and starts ticking. */
  static async start(options: RaftNodeOptions): Promise<RaftNode> {
    const state = await options.persister.load();
    const node = new RaftNode(options, new RawNode(options, state));
    if (state.snapshot !== null) options.apply({ kind: 'snapshot', snapshot: state.snapshot });
    node.scheduleTick();
    node.kick();
    return node;
  }

  /** Delivers a message from the network. */
  receive(message: Message): void {
    if (this.stopped) return;
    this.raw.step(message);
    this.kick();
  }

  /** Proposes a command (Raft's Start): returns at once; replication begins without waiting. */
  propose(data: Uint8Array): ProposeResult {
    if (this.stopped) return { ok: false, error: 'NotLeader', leaderId: null };
    const result = this.raw.propose(data);
    if (result.ok) this.kick();
    return result;
  }

  /**
   * Proposes a membership change (thesis §4.3): returns at once with the config entry's index
   * and term, or a typed refusal; the change is done when that entry is applied in that term.
   */
  proposeConfChange(change: ConfChange): ConfChangeResult {
    if (this.stopped) return { ok: false, error: 'NotLeader', leaderId: null };
    const result = this.raw.proposeConfChange(change);
    if (result.ok) this.kick();
    return result;
  }

  /** Asks for a linearizable read index (thesis §6.4). */
  readIndex(): Promise<ReadIndexResult> {
    if (this.stopped) return Promise.resolve({ ok: false, error: 'Stopped' });
    const context = this.nextReadContext++;
    if (!this.raw.readIndex(context)) return Promise.resolve({ ok: false, error: 'NotLeader' });
    this.kick();
    return new Promise((resolve) => {
      this.pendingReads.set(context, { resolve, timer: this.readDeadlines.add(context) });
    });
  }

  /** Compacts the log into a snapshot the service took at `index` (at or below applied). */
  snapshot(index: LogIndex, data: Uint8Array): void {
    if (this.stopped) return;
    const status = this.raw.status();
    if (index <= status.snapshotIndex) return;
    this.raw.snapshot(index, data);
    this.kick();
  }

  /** Starts handing leadership to `target`; returns whether the transfer began. */
  transferLeadership(target: NodeId): boolean {
    if (this.stopped) return false;
    const started = this.raw.transferLeadership(target);
    this.kick();
    return started;
  }

  /** Returns the node's current Raft status. */
  status(): NodeStatus {
    return this.raw.status();
  }

  /** On a leader, each member's match index (thesis §3.5); empty on other roles. */
  matchIndexes(): ReadonlyMap<NodeId, LogIndex> {
    return this.raw.matchIndexes();
  }

  /** The retained in-memory log after the snapshot, for inspection. */
  logEntries(): readonly Entry[] {
    return this.raw.logEntries();
  }

  /** Stops the node: no more sends, saves, applies or ticks from this instance. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.tickTimer?.cancel();
    for (const context of [...this.pendingReads.keys()]) {
      this.settleRead(context, { ok: false, error: 'Stopped' });
    }
    this.readDeadlines.clear();
  }

  private scheduleTick(): void {
    this.tickTimer = this.options.clock.setTimer(this.tickMs, () => {
      if (this.stopped) return;
      this.raw.tick();
      this.scheduleTick();
      this.kick();
    });
  }

  // Takes the next Readys at the end of this synchronous run, so a burst of proposals made in
  // one turn shares one Ready and one save.
  private kick(): void {
    if (this.pumpQueued || this.stopped || !this.raw.hasReady()) return;
    this.pumpQueued = true;
    void Promise.resolve().then(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  // Hands out Readys while the pipeline has room. A Ready with a snapshot to install is a
  // barrier: the entries of later Readys follow the snapshot, so none is taken until it is in.
  private pump(): void {
    while (!this.stopped && this.inFlight.length < readysInFlightMax && this.raw.hasReady()) {
      if (this.inFlight.some((f) => f.ready.applySnapshot !== null)) return;
      const ready = this.raw.ready();
      this.reportLeadership(ready);
      this.startReady(ready);
    }
  }

  private startReady(ready: Ready): void {
    const inFlight: ReadyInFlight = { ready, saved: false };
    this.inFlight.push(inFlight);
    // The core says what may leave before the save (thesis §10.2.1): sent first, so the
    // followers' writes overlap ours.
    if (ready.messagesBeforeSave.length > 0) this.options.transport.send(ready.messagesBeforeSave);
    const update = persistUpdateOf(ready);
    const saved = update === null ? Promise.resolve() : this.options.persister.save(update);
    // Committed entries are at or below persistedIndex, durable in earlier saves, and the
    // commit index need not be durable (see RawNode.ready): they are applied while this save
    // runs. A snapshot to install waits, so the state machine never runs ahead of its storage.
    if (ready.applySnapshot === null) this.applyReady(ready);
    // A failed save rejects here, unhandled: the node fails stop, as a persister must.
    void saved.then(() => {
      inFlight.saved = true;
      this.finishSaved();
    });
  }

  // Finishes saved Readys in order: a later Ready's messages may promise durability of entries
  // an earlier, slower save holds (an acknowledgement of a duplicate append), so none jumps ahead.
  private finishSaved(): void {
    while (!this.stopped && this.inFlight[0]?.saved === true) {
      const { ready } = this.inFlight.shift()!;
      if (ready.messagesAfterSave.length > 0) this.options.transport.send(ready.messagesAfterSave);
      if (ready.applySnapshot !== null) this.applyReady(ready);
      if (this.stopped) return;
      this.raw.advance(ready);
    }
    this.kick();
  }

  // Hands a Ready's snapshot and committed entries to the service in order, then settles reads.
  private applyReady(ready: Ready): void {
    if (ready.applySnapshot !== null) {
      this.options.apply({ kind: 'snapshot', snapshot: ready.applySnapshot });
    }
    for (const entry of ready.committedEntries) {
      if (this.stopped) return;
      this.options.apply({ kind: 'entry', entry });
    }
    for (const read of ready.readStates)
      this.settleRead(read.context, { ok: true, index: read.index });
    for (const context of ready.failedReads)
      this.settleRead(context, { ok: false, error: 'NotLeader' });
  }

  // Soft state says role and leader changed; a new term always comes with a hard state.
  private reportLeadership(ready: Ready): void {
    if (ready.softState === null && ready.hardState === null) return;
    const { role, leaderId, term } = this.raw.status();
    const last = this.leadership;
    if (role === last.role && leaderId === last.leaderId && term === last.term) return;
    this.leadership = { role, leaderId, term };
    this.options.onLeadershipChange?.(this.leadership);
  }

  private settleRead(context: number, result: ReadIndexResult): void {
    const pending = this.pendingReads.get(context);
    if (pending === undefined) return;
    this.pendingReads.delete(context);
    pending.timer.cancel();
    pending.resolve(result);
  }
}

/** Builds the persister update for a Ready, or null when nothing needs to be saved. */
function persistUpdateOf(ready: Ready): PersistUpdate | null {
  const update: {
    hardState?: Ready['hardState'] & object;
    snapshot?: Snapshot;
    truncateFrom?: LogIndex;
    entries?: readonly Entry[];
  } = {};
  if (ready.hardState !== null) update.hardState = ready.hardState;
  if (ready.snapshot !== null) update.snapshot = ready.snapshot;
  if (ready.truncateFrom !== null) update.truncateFrom = ready.truncateFrom;
  if (ready.entries.length > 0) update.entries = ready.entries;
  return Object.keys(update).length === 0 ? null : update;
}
