// RaftNode: the thin async driver. It owns the Ready loop over the ports (Persister, Transport,
// Clock), ticks the core on a timer, and hands committed entries to the service in order.
// It never decides anything Raft-related itself; every decision lives in the pure core.
import { assert } from '../assert.ts';
import type { Message } from '../messages.ts';
import type { RaftOptions } from '../options.ts';
import { type ProposeResult, type RaftStatus, RawNode, type Ready } from '../raw-node.ts';
import type { Entry, LogIndex, NodeId, Snapshot } from '../types.ts';
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
}

/** The result of a ReadIndex request. */
export type ReadIndexResult =
  | { readonly ok: true; readonly index: LogIndex }
  | { readonly ok: false; readonly error: 'NotLeader' | 'Stopped' | 'Timeout' };

/** A node's status as the driver reports it. */
export type NodeStatus = RaftStatus;

interface PendingRead {
  readonly resolve: (result: ReadIndexResult) => void;
  readonly timer: TimerHandle;
}

// Leader-originated requests do not depend on the leader's own durability (thesis §10.2.1).
const sendableBeforePersist: ReadonlySet<Message['type']> = new Set<Message['type']>([
  'AppendEntries',
  'Heartbeat',
  'InstallSnapshot',
  'TimeoutNow',
]);

/** A Raft node driven by real or simulated ports. */
export class RaftNode {
  private readonly raw: RawNode;
  private readonly options: RaftNodeOptions;
  private readonly tickMs: number;
  private readonly readTimeoutMs: number;
  private tickTimer: TimerHandle | null = null;
  private processing = false;
  private stopped = false;
  private nextReadContext = 1;
  private readonly pendingReads = new Map<number, PendingRead>();

  private constructor(options: RaftNodeOptions, raw: RawNode) {
    this.options = options;
    this.raw = raw;
    this.tickMs = options.tickMs ?? 10;
    this.readTimeoutMs = options.readTimeoutMs ?? 2000;
    assert(this.tickMs > 0 && this.readTimeoutMs > 0, 'tickMs and readTimeoutMs must be positive');
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

  /** Asks for a linearizable read index (thesis §6.4). */
  readIndex(): Promise<ReadIndexResult> {
    if (this.stopped) return Promise.resolve({ ok: false, error: 'Stopped' });
    const context = this.nextReadContext++;
    if (!this.raw.readIndex(context)) return Promise.resolve({ ok: false, error: 'NotLeader' });
    this.kick();
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimer(this.readTimeoutMs, () =>
        this.settleRead(context, { ok: false, error: 'Timeout' }),
      );
      this.pendingReads.set(context, { resolve, timer });
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
  }

  private scheduleTick(): void {
    this.tickTimer = this.options.clock.setTimer(this.tickMs, () => {
      if (this.stopped) return;
      this.raw.tick();
      this.scheduleTick();
      this.kick();
    });
  }

  // Starts the Ready loop unless it is already running; input that arrives while it awaits
  // storage lands in the next Ready.
  private kick(): void {
    if (this.processing || this.stopped || !this.raw.hasReady()) return;
    this.processing = true;
    void this.processReadys().finally(() => {
      this.processing = false;
    });
  }

  private async processReadys(): Promise<void> {
    // Let synchronous bursts (many proposals in one turn) share one Ready and one save.
    await Promise.resolve();
    while (!this.stopped && this.raw.hasReady()) {
      const ready = this.raw.ready();
      await this.handleReady(ready);
      if (this.stopped) return;
      this.raw.advance(ready);
    }
  }

  private async handleReady(ready: Ready): Promise<void> {
    const early = ready.messages.filter((m) => sendableBeforePersist.has(m.type));
    const late = ready.messages.filter((m) => !sendableBeforePersist.has(m.type));
    if (early.length > 0) this.options.transport.send(early);
    const update = persistUpdateOf(ready);
    if (update !== null) await this.options.persister.save(update);
    if (this.stopped) return;
    if (late.length > 0) this.options.transport.send(late);
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
