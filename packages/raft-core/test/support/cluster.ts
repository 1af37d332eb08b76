// A synchronous in-memory cluster of RawNodes for unit tests (etcd's rafttest network, in
// miniature): Readys are persisted instantly into a per-node copy, messages are queued and
// delivered by `stabilize()`, and links can be cut. No time, no promises, no randomness but
// the seeded PRNG handed to each node.
import {
  createPrng,
  type Entry,
  emptyHardState,
  type HardState,
  type LogPosition,
  type Message,
  type NodeId,
  type RaftOptions,
  RawNode,
  type Ready,
  type Snapshot,
} from '@kvraft/raft-core';

/** What one node has durably stored, mutated as Readys are handled. */
export interface StoredState {
  hardState: HardState;
  snapshot: Snapshot | null;
  entries: Entry[];
}

/** A cluster of RawNodes wired by a controllable queue. */
export class TestCluster {
  readonly nodes = new Map<NodeId, RawNode>();
  readonly stored = new Map<NodeId, StoredState>();
  readonly applied = new Map<NodeId, Entry[]>();
  readonly installed = new Map<NodeId, Snapshot[]>();
  readonly readStates = new Map<NodeId, { context: number; index: number }[]>();
  readonly sent: Message[] = [];
  private queue: Message[] = [];
  private readonly cut = new Set<string>();
  /** Nodes started outside the bootstrap configuration (they learn it from the leader). */
  private readonly joiners = new Set<NodeId>();
  /** Observes every Ready as it is handled (golden transcripts). */
  onReady: (id: NodeId, ready: Ready) => void = () => {};
  /** Returns true to drop a message (in addition to cut links). */
  dropFilter: (m: Message) => boolean = () => false;

  constructor(
    readonly ids: readonly NodeId[],
    private readonly extra: Partial<RaftOptions> = {},
    private readonly seed = 1,
  ) {
    for (const id of ids) this.create(id);
  }

  private create(id: NodeId): void {
    this.stored.set(id, { hardState: emptyHardState, snapshot: null, entries: [] });
    this.applied.set(id, []);
    this.installed.set(id, []);
    this.readStates.set(id, []);
    this.start(id);
  }

  /** Starts a new, empty node `id` that joins with no configuration (`peers: []`). */
  join(id: NodeId): RawNode {
    this.joiners.add(id);
    this.create(id);
    return this.node(id);
  }

  /** Stops node `id`: it keeps its stored state and gets no messages until started again. */
  stop(id: NodeId): void {
    this.nodes.delete(id);
  }

  /**
   * (Re)creates node `id` from its stored state, like a restart; `recovery` is what a
   * WatermarkedPersister would add after finding the store lost entries.
   */
  start(id: NodeId, recovery?: LogPosition): RawNode {
    const stored = this.stored.get(id)!;
    const node = new RawNode(
      {
        id,
        peers: this.joiners.has(id) ? [] : this.ids,
        prng: createPrng(this.seed * 1000 + id),
        ...this.extra,
      },
      {
        hardState: stored.hardState,
        snapshot: stored.snapshot,
        entries: [...stored.entries],
        ...(recovery === undefined ? {} : { recovery }),
      },
    );
    this.nodes.set(id, node);
    return node;
  }

  node(id: NodeId): RawNode {
    return this.nodes.get(id)!;
  }

  /** Cuts both directions between a and b. */
  isolate(id: NodeId): void {
    for (const other of this.nodes.keys()) if (other !== id) this.cutLink(id, other);
  }

  cutLink(a: NodeId, b: NodeId): void {
    this.cut.add(`${a}-${b}`);
    this.cut.add(`${b}-${a}`);
  }

  heal(): void {
    this.cut.clear();
  }

  /** Handles every pending Ready of every node once; returns whether anything happened. */
  processReadys(): boolean {
    let any = false;
    for (const [id, node] of this.nodes) {
      while (node.hasReady()) {
        any = true;
        this.handle(id, node, node.ready());
      }
    }
    return any;
  }

  private handle(id: NodeId, node: RawNode, ready: Ready): void {
    this.onReady(id, ready);
    const stored = this.stored.get(id)!;
    if (ready.snapshot) {
      stored.snapshot = ready.snapshot;
      stored.entries = stored.entries.filter((e) => e.index > ready.snapshot!.index);
    }
    if (ready.truncateFrom !== null) {
      stored.entries = stored.entries.filter((e) => e.index < ready.truncateFrom!);
    }
    stored.entries.push(...ready.entries);
    if (ready.hardState) stored.hardState = ready.hardState;
    for (const m of [...ready.messagesBeforeSave, ...ready.messagesAfterSave]) {
      this.sent.push(m);
      this.queue.push(m);
    }
    if (ready.applySnapshot) this.installed.get(id)!.push(ready.applySnapshot);
    this.applied.get(id)!.push(...ready.committedEntries);
    this.readStates.get(id)!.push(...ready.readStates);
    node.advance(ready);
  }

  /** Delivers queued messages and handles Readys until the cluster is quiet (bounded). */
  stabilize(roundsMax = 1000): void {
    for (let round = 0; round < roundsMax; round++) {
      const progressed = this.processReadys();
      const batch = this.queue;
      this.queue = [];
      for (const m of batch) this.deliver(m);
      if (!progressed && batch.length === 0) return;
    }
    throw new Error(`cluster did not stabilize within ${roundsMax} rounds`);
  }

  private deliver(m: Message): void {
    if (this.cut.has(`${m.from}-${m.to}`) || this.dropFilter(m)) return;
    this.nodes.get(m.to)?.step(m);
  }

  /** Ticks `id` until it starts an election, then stabilizes. */
  campaign(id: NodeId): void {
    const node = this.node(id);
    for (let i = 0; i < 1000 && node.status().role === 'follower'; i++) node.tick();
    this.stabilize();
  }

  /** Ticks every node `ticks` times, stabilizing after each round. */
  tickAll(ticks: number): void {
    for (let i = 0; i < ticks; i++) {
      for (const node of this.nodes.values()) node.tick();
      this.stabilize();
    }
  }

  /** The leader of the highest term that has one (a stale, cut-off leader may linger). */
  leader(): NodeId | null {
    const leaders = [...this.nodes.entries()]
      .filter(([, n]) => n.status().role === 'leader')
      .sort(([, a], [, b]) => b.status().term - a.status().term);
    return leaders[0]?.[0] ?? null;
  }

  /** Proposes a text command on `id` and stabilizes; returns the proposal result. */
  propose(id: NodeId, text: string) {
    const result = this.node(id).propose(new TextEncoder().encode(text));
    this.stabilize();
    return result;
  }

  /** The applied command texts of node `id`, no-ops skipped. */
  appliedTexts(id: NodeId): string[] {
    return this.applied
      .get(id)!
      .filter((e) => e.kind === 'command')
      .map((e) => new TextDecoder().decode(e.data));
  }
}
