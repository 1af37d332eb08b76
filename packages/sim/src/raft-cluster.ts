// The Raft scenario harness: the original tester's config.go in our words. It owns n RaftNodes
// on one SimNetwork, their MemoryPersisters (copied on every crash, so only acknowledged saves
// survive), the appliers' histories, and the helpers the scenarios call: crash1/start1,
// connect/disconnect, checkOneLeader, checkTerms, checkNoLeader, nCommitted, wait and one.
// Helpers fail by throwing AssertionError, which ends the run with its seed. With storage
// protection on (the default) each node's store is wrapped in raft-core's WatermarkedPersister,
// whose ack watermark lives in a MemoryWatermarkStore that outlives the store's damage
// (storage-faults.ts), as a watermark file beside a real store does (FAST'18 PAR).
import { MemoryPersister } from '@kvraft/persister-memory';
import {
  type ApplyMsg,
  AssertionError,
  assert,
  type LogIndex,
  type NodeId,
  type Persister,
  type Prng,
  RaftNode,
  type RaftOptions,
  type Term,
} from '@kvraft/raft-core';
import { MemoryWatermarkStore } from '@kvraft/raft-core/persister-kit';
import { type RaftBugs, withRaftBugs } from '@kvraft/raft-core/testing/bugs';
import { AppliedLogs } from './applied-logs.ts';
import { type AppliedValue, type Command, encodeCommand } from './command-codec.ts';
import { diskLatency } from './disk-latency.ts';
import type { Scheduler } from './scheduler.ts';
import { SimClock } from './sim-clock.ts';
import { SimNetwork } from './sim-network.ts';
import { damageStore, type StorageDamage, type StorageFault } from './storage-faults.ts';
import { watermarkedStore } from './watermarked-store.ts';

/** How a RaftCluster is built. */
export interface RaftClusterOptions {
  readonly scheduler: Scheduler;
  /** The run's seeded generator; the cluster forks it for the network, disks, nodes and tests. */
  readonly prng: Prng;
  readonly serverCount: number;
  /** labrpc unreliable: 0–26 ms request delay, 10% request and reply loss. */
  readonly unreliable: boolean;
  /** Use the 2D snapshot applier (a snapshot every 10 indexes) instead of the plain one. */
  readonly snapshot: boolean;
  /** Each save waits U[0, diskLatencyMsMax] virtual ms; default 2. */
  readonly diskLatencyMsMax?: number;
  /** Check apply order strictly (exactly lastApplied + 1) even without snapshots (the swarm). */
  readonly strictApplyOrder?: boolean;
  /** Raft knobs for every node; the scenarios keep raft-core's defaults. */
  readonly raft?: RaftKnobs;
  /**
   * Servers 0..bootstrapCount-1 form the bootstrap configuration; the rest start empty, outside
   * it (`peers: []`), and join through membership changes (thesis §4.3). Default: all of them.
   */
  readonly bootstrapCount?: number;
  /**
   * Wrap each store in a WatermarkedPersister (default true), so a store that comes back with
   * less than it acknowledged is detected at boot; false runs the bare store, which trusts it.
   */
  readonly storageProtection?: boolean;
  /** TEST ONLY: deliberate Raft bugs every node runs with (raft-core's bugs.ts); default none. */
  readonly raftBugs?: RaftBugs;
}

/** A store loss a WatermarkedPersister detected at boot. */
export interface DetectedLoss {
  readonly node: NodeId;
  readonly losses: readonly string[];
}

/** The Raft options a cluster may override for all of its nodes. */
export type RaftKnobs = Partial<
  Pick<
    RaftOptions,
    | 'electionTimeoutTicks'
    | 'heartbeatTicks'
    | 'preVote'
    | 'checkQuorum'
    | 'promoteLagEntriesMax'
    | 'appendBytesMax'
  >
>;

/** The tester's agreement and election timing (SCENARIOS.md §2.1). */
export const clusterTiming = {
  /** RaftElectionTimeout of the original tester: 1 s. */
  electionTimeoutMs: 1000,
  /** one(): how long to look for a server that accepts the command. */
  oneTotalMs: 10_000,
  /** one(): how long to wait for agreement once a server accepted. */
  oneAgreementMs: 2000,
  oneAgreementPollMs: 20,
  oneNoLeaderSleepMs: 50,
  checkOneLeaderTries: 10,
  checkOneLeaderSleepMs: 450,
  checkOneLeaderJitterMs: 100,
  waitTries: 30,
  waitFirstSleepMs: 10,
} as const;

/** What `start(i, cmd)` answers, like Go's Start(): (index, term, isLeader). */
export interface StartResult {
  readonly index: LogIndex;
  readonly term: Term;
  readonly isLeader: boolean;
}

/** A cluster of RaftNodes under test, with the original tester's helpers. */
export class RaftCluster {
  readonly network: SimNetwork;
  readonly applied: AppliedLogs;
  /** The live instance of each server; null while crashed. */
  readonly nodes: Array<RaftNode | null> = [];
  /** Each server's current persister (the crash copy while it is down). */
  readonly persisters: Array<MemoryPersister | null> = [];
  /** Whether each server is connected (config.go's connected[]). */
  readonly connected: boolean[] = [];
  /** Each server's ack watermark, kept outside its store so it survives the store's damage. */
  readonly watermarks: MemoryWatermarkStore[] = [];
  /** Every loss a WatermarkedPersister found at boot, in order (empty without storage faults). */
  readonly detectedLosses: DetectedLoss[] = [];
  /** The test script's own random numbers (Go's rand in the tests). */
  readonly random: Prng;
  private readonly generations: number[] = [];
  private readonly diskPrng: Prng;
  private readonly nodePrng: Prng;
  private readonly clock: SimClock;

  private constructor(private readonly options: RaftClusterOptions) {
    const { scheduler, prng, serverCount } = options;
    this.network = new SimNetwork(scheduler, prng.fork(), serverCount);
    this.diskPrng = prng.fork();
    this.nodePrng = prng.fork();
    this.random = prng.fork();
    this.clock = new SimClock(scheduler);
    this.applied = new AppliedLogs(serverCount, (error) => scheduler.fail(error));
    for (let i = 0; i < serverCount; i++) {
      this.nodes.push(null);
      this.persisters.push(null);
      this.connected.push(false);
      this.generations.push(0);
      this.watermarks.push(new MemoryWatermarkStore());
    }
  }

  /** Builds the cluster, starts every server and connects them all (make_config). */
  static async create(options: RaftClusterOptions): Promise<RaftCluster> {
    assert(options.serverCount >= 1, 'cluster: serverCount must be >= 1');
    const bootstrapCount = options.bootstrapCount ?? options.serverCount;
    assert(
      bootstrapCount >= 1 && bootstrapCount <= options.serverCount,
      'cluster: bootstrapCount must be in [1, serverCount]',
    );
    const cluster = new RaftCluster(options);
    cluster.network.setReliable(!options.unreliable);
    cluster.network.setLongReordering(false);
    for (let i = 0; i < options.serverCount; i++) await cluster.start1(i);
    for (let i = 0; i < options.serverCount; i++) cluster.connect(i);
    return cluster;
  }

  /** The number of servers. */
  get n(): number {
    return this.options.serverCount;
  }

  /** The scheduler's sleep; scripts wait only through this. */
  sleep(ms: number): Promise<void> {
    return this.options.scheduler.sleep(ms);
  }

  /** Virtual milliseconds now. */
  nowMs(): number {
    return this.options.scheduler.nowMs;
  }

  /** Switches labrpc reliability (network-wide). */
  setUnreliable(unreliable: boolean): void {
    this.network.setReliable(!unreliable);
  }

  /** Switches labrpc long reordering of replies (network-wide). */
  setLongReordering(longReordering: boolean): void {
    this.network.setLongReordering(longReordering);
  }

  /** Disconnects server i, deletes it from the network, keeps a copy of its saved state, kills it. */
  crash1(i: NodeId): void {
    this.disconnect(i);
    this.network.remove(i);
    this.generations[i]!++;
    const persister = this.persisters[i];
    if (persister !== null && persister !== undefined) this.persisters[i] = persister.copy();
    const node = this.nodes[i];
    this.nodes[i] = null;
    if (node !== null && node !== undefined) node.stop();
  }

  /** Crashes server i if needed, then boots a new instance from a copy of its saved state. */
  async start1(i: NodeId): Promise<void> {
    this.crash1(i);
    const generation = this.generations[i]!;
    this.applied.lastApplied[i] = 0;
    const saveDelay = diskLatency(
      this.options.scheduler,
      this.diskPrng,
      this.options.diskLatencyMsMax ?? 2,
    );
    const saved = this.persisters[i];
    const persister = saved ? saved.copy({ saveDelay }) : new MemoryPersister({ saveDelay });
    this.persisters[i] = persister;
    const storage = this.protect(i, generation, persister);
    const transport = this.network.add(i);
    const holder: { node: RaftNode | null } = { node: null };
    const pending: Array<{ index: LogIndex; data: Uint8Array }> = [];
    const apply = (message: ApplyMsg): void => {
      if (this.generations[i] !== generation) {
        this.options.scheduler.fail(new AssertionError(`server ${i}: a stopped instance applied`));
        return;
      }
      this.applyTo(i, message, (index, data) => {
        if (holder.node === null) pending.push({ index, data });
        else holder.node.snapshot(index, data);
      });
    };
    const node = await RaftNode.start({
      ...withRaftBugs({ ...this.options.raft }, this.options.raftBugs ?? {}),
      id: i,
      peers: this.bootstrapPeers(i),
      prng: this.nodePrng.fork(),
      persister: storage,
      transport,
      clock: this.clock,
      apply,
    });
    if (this.generations[i] !== generation) {
      node.stop();
      return;
    }
    holder.node = node;
    this.nodes[i] = node;
    for (const { index, data } of pending) node.snapshot(index, data);
    this.network.listen(i, (message) => node.receive(message));
  }

  /**
   * Replaces stopped server i's saved state with a damaged copy (storage-faults.ts); its ack
   * watermark is left as it was, as a watermark file outside a damaged store would be.
   */
  async damageStore(i: NodeId, fault: StorageFault): Promise<StorageDamage | null> {
    assert(this.nodes[i] === null, `damageStore: server ${i} is running`);
    const saved = this.persisters[i];
    if (saved === null || saved === undefined) return null;
    const damage = await damageStore(saved, fault);
    this.persisters[i] = damage.store;
    return damage;
  }

  // The store the node runs on: the bare one, or one whose acknowledgements the watermark covers.
  private protect(i: NodeId, generation: number, store: MemoryPersister): Persister {
    if (this.options.storageProtection === false) return store;
    return watermarkedStore(store, this.watermarks[i]!, {
      alive: () => this.generations[i] === generation,
      onLoss: (losses) => this.detectedLosses.push({ node: i, losses }),
    });
  }

  // A server outside the bootstrap configuration starts with none and learns it from the leader.
  private bootstrapPeers(i: NodeId): NodeId[] {
    const count = this.options.bootstrapCount ?? this.n;
    if (i >= count) return [];
    return Array.from({ length: count }, (_, peer) => peer);
  }

  private applyTo(
    i: NodeId,
    message: ApplyMsg,
    takeSnapshot: (index: LogIndex, data: Uint8Array) => void,
  ): void {
    if (this.options.snapshot) this.applied.applySnapshotting(i, message, takeSnapshot);
    else if (this.options.strictApplyOrder) this.applied.applySnapshotting(i, message, () => {});
    else this.applied.applyPlain(i, message);
  }

  /** Enables links both ways between server i and every connected server. */
  connect(i: NodeId): void {
    this.connected[i] = true;
    for (let j = 0; j < this.n; j++) {
      if (!this.connected[j]) continue;
      this.network.setLink(i, j, true);
      this.network.setLink(j, i, true);
    }
  }

  /** Disables every link into and out of server i. */
  disconnect(i: NodeId): void {
    this.connected[i] = false;
    for (let j = 0; j < this.n; j++) {
      this.network.setLink(i, j, false);
      this.network.setLink(j, i, false);
    }
  }

  /** Go's GetState(): (term, isLeader) of a live server; crashes if server i is down. */
  getState(i: NodeId): { term: Term; isLeader: boolean } {
    const node = this.nodes[i];
    assert(node !== null && node !== undefined, `getState: server ${i} is not running`);
    const status = node.status();
    return { term: status.term, isLeader: status.role === 'leader' };
  }

  /** Go's Start(cmd) on server i: proposes, and reports (index, term, isLeader). */
  start(i: NodeId, command: Command): StartResult {
    const node = this.nodes[i];
    assert(node !== null && node !== undefined, `start: server ${i} is not running`);
    const result = node.propose(encodeCommand(command));
    if (result.ok) return { index: result.index, term: result.term, isLeader: true };
    return { index: -1, term: node.status().term, isLeader: false };
  }

  /** Waits until exactly one connected server leads (the highest term's), within ~5 s. */
  async checkOneLeader(): Promise<NodeId> {
    const timing = clusterTiming;
    for (let attempt = 0; attempt < timing.checkOneLeaderTries; attempt++) {
      const sleepMs =
        timing.checkOneLeaderSleepMs + this.random.nextInt(timing.checkOneLeaderJitterMs);
      await this.sleep(sleepMs);
      const leaders = this.leadersByTerm();
      let lastTermWithLeader = -1;
      for (const [term, ids] of leaders) {
        if (ids.length > 1) throw new AssertionError(`term ${term} has ${ids.length} (>1) leaders`);
        if (term > lastTermWithLeader) lastTermWithLeader = term;
      }
      const leader = leaders.get(lastTermWithLeader)?.[0];
      if (leader !== undefined) return leader;
    }
    throw new AssertionError('expected one leader, got none');
  }

  private leadersByTerm(): Map<Term, NodeId[]> {
    const leaders = new Map<Term, NodeId[]>();
    for (let i = 0; i < this.n; i++) {
      if (!this.connected[i] || this.nodes[i] === null) continue;
      const { term, isLeader } = this.getState(i);
      if (!isLeader) continue;
      const ids = leaders.get(term) ?? [];
      ids.push(i);
      leaders.set(term, ids);
    }
    return leaders;
  }

  /** Checks that every connected server reports the same term, and returns it. */
  checkTerms(): Term {
    let term = -1;
    for (let i = 0; i < this.n; i++) {
      if (!this.connected[i] || this.nodes[i] === null) continue;
      const current = this.getState(i).term;
      if (term === -1) term = current;
      else if (term !== current) throw new AssertionError('servers disagree on term');
    }
    return term;
  }

  /** Checks that no connected server claims to be leader. */
  checkNoLeader(): void {
    for (let i = 0; i < this.n; i++) {
      if (!this.connected[i] || this.nodes[i] === null) continue;
      if (this.getState(i).isLeader) {
        throw new AssertionError(
          `expected no leader among connected servers, but ${i} claims to be leader`,
        );
      }
    }
  }

  /** How many servers applied `index` and what; fails if they disagree. */
  nCommitted(index: LogIndex): { count: number; value: AppliedValue | undefined } {
    return this.applied.nCommitted(index);
  }

  /** Waits (10 ms doubling to 1.28 s, 30 polls) for n servers to apply index; -1 if a term passed startTerm. */
  async wait(index: LogIndex, n: number, startTerm: Term): Promise<AppliedValue | -1> {
    let sleepMs: number = clusterTiming.waitFirstSleepMs;
    for (let attempt = 0; attempt < clusterTiming.waitTries; attempt++) {
      if (this.nCommitted(index).count >= n) break;
      await this.sleep(sleepMs);
      if (sleepMs < 1000) sleepMs *= 2;
      if (startTerm > -1 && this.anyTermAbove(startTerm)) return -1;
    }
    const { count, value } = this.nCommitted(index);
    if (count < n) {
      throw new AssertionError(`only ${count} decided for index ${index}; wanted ${n}`);
    }
    return value ?? null;
  }

  private anyTermAbove(term: Term): boolean {
    return this.nodes.some(
      (node) => node !== null && node !== undefined && node.status().term > term,
    );
  }

  /** Submits cmd until some server accepts it and expectedServers commit it; returns the index. */
  async one(command: Command, expectedServers: number, retry: boolean): Promise<LogIndex> {
    const startMs = this.options.scheduler.nowMs;
    let starts = 0;
    while (this.options.scheduler.nowMs - startMs < clusterTiming.oneTotalMs) {
      let index = -1;
      for (let attempt = 0; attempt < this.n; attempt++) {
        starts = (starts + 1) % this.n;
        if (!this.connected[starts] || this.nodes[starts] === null) continue;
        const result = this.start(starts, command);
        if (result.isLeader) {
          index = result.index;
          break;
        }
      }
      if (index === -1) {
        await this.sleep(clusterTiming.oneNoLeaderSleepMs);
        continue;
      }
      if (await this.awaitAgreement(index, command, expectedServers)) return index;
      if (!retry) throw new AssertionError(`one(${describe(command)}) failed to reach agreement`);
    }
    throw new AssertionError(`one(${describe(command)}) failed to reach agreement`);
  }

  private async awaitAgreement(
    index: LogIndex,
    command: Command,
    expected: number,
  ): Promise<boolean> {
    const startMs = this.options.scheduler.nowMs;
    while (this.options.scheduler.nowMs - startMs < clusterTiming.oneAgreementMs) {
      const { count, value } = this.nCommitted(index);
      if (count > 0 && count >= expected && value === command) return true;
      await this.sleep(clusterTiming.oneAgreementPollMs);
    }
    return false;
  }

  /** Requests that reached server i's handler. */
  rpcCount(i: NodeId): number {
    return this.network.rpcCount(i);
  }

  /** Requests that reached any handler (the tester's sum of rpcCount). */
  rpcTotal(): number {
    return this.network.rpcTotal();
  }

  /** Bytes sent through the network (requests at send, replies at delivery). */
  bytesTotal(): number {
    return this.network.stats.bytesTotal;
  }

  /** The largest persisted Raft state (not snapshot) over all servers, in bytes. */
  logSize(): number {
    let size = 0;
    for (const persister of this.persisters) size = Math.max(size, persister?.raftStateSize() ?? 0);
    return size;
  }

  /** The current instance number of server i; it changes at every crash1. */
  generation(i: NodeId): number {
    return this.generations[i]!;
  }

  /** Stops every live server (the end of a test). */
  cleanup(): void {
    for (let i = 0; i < this.n; i++) this.nodes[i]?.stop();
  }
}

function describe(command: Command): string {
  return typeof command === 'string' ? `'${command.slice(0, 16)}…'` : String(command);
}
