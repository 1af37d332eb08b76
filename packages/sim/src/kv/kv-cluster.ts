// The kvraft scenario harness: the original tester's config.go in our words (SCENARIOS.md §1.1).
// N KvServers on a SimNetwork for Raft and a separate ClientNetwork for clerks (shuffled end
// lists; partitions cut server links only), crash = cut links, delete from both networks, keep a
// copy of the persister, stop; restart from a copy. Every clerk operation is recorded. With
// storage protection on (the default) each store runs behind a WatermarkedPersister whose
// watermark outlives damage to the store (FAST'18 PAR), as in RaftCluster.
import { Clerk } from '@kvraft/clerk';
import type { KvServer } from '@kvraft/kv-service';
import { createKvServerForTesting, type KvTestBugs } from '@kvraft/kv-service/testing';
import { MemoryPersister } from '@kvraft/persister-memory';
import { AssertionError, assert, type NodeId, type Persister, type Prng } from '@kvraft/raft-core';
import { MemoryWatermarkStore } from '@kvraft/raft-core/persister-kit';
import { diskLatency } from '../disk-latency.ts';
import type { Scheduler } from '../scheduler.ts';
import { SimClock } from '../sim-clock.ts';
import { SimNetwork } from '../sim-network.ts';
import { damageStore, type StorageDamage, type StorageFault } from '../storage-faults.ts';
import { watermarkedStore } from '../watermarked-store.ts';
import { ClientNetwork } from './client-network.ts';
import { KvHistory } from './kv-history.ts';
import { TestClerk } from './test-clerk.ts';

/** How a KvCluster is built. */
export interface KvClusterOptions {
  readonly scheduler: Scheduler;
  readonly prng: Prng;
  readonly serverCount: number;
  readonly unreliable: boolean;
  /** Snapshot threshold in bytes of Raft state; -1 never snapshots. */
  readonly maxraftstate: number;
  /** TEST ONLY bug switches passed to every server (the KV server's and its Raft node's). */
  readonly bugs?: KvTestBugs;
  readonly readMode?: 'readindex' | 'log';
  /** Each save waits U[0, diskLatencyMsMax] virtual ms; default 2. */
  readonly diskLatencyMsMax?: number;
  /** Clerk deadline; default Infinity (the original clerks retry forever). */
  readonly operationTimeoutMs?: number;
  /** Servers 0..bootstrapCount-1 are the bootstrap voters; the rest join later. Default: all. */
  readonly bootstrapCount?: number;
  /** Wrap each store in a WatermarkedPersister (default true); false trusts a damaged store. */
  readonly storageProtection?: boolean;
}

/** A KV cluster under test with the original tester's helpers. */
export class KvCluster {
  readonly raftNetwork: SimNetwork;
  readonly clientNetwork: ClientNetwork;
  readonly servers: Array<KvServer | null> = [];
  readonly persisters: Array<MemoryPersister | null> = [];
  /** Extra virtual ms each save of server i waits (a slow disk); 0 by default. */
  readonly slowSavesMs: number[] = [];
  /** Each server's ack watermark, kept outside its store so it survives the store's damage. */
  readonly watermarks: MemoryWatermarkStore[] = [];
  /** Every loss a WatermarkedPersister found at boot: the server and what its store lost. */
  readonly detectedLosses: Array<{ readonly node: NodeId; readonly losses: readonly string[] }> =
    [];
  readonly history: KvHistory;
  /** The test script's own random numbers (Go's rand in the tests). */
  readonly random: Prng;
  /** Operations run through recorded clerks (the "Passed" line's op count). */
  opCount = 0;
  private readonly generations: number[] = [];
  private readonly clock: SimClock;
  private readonly diskPrng: Prng;
  private readonly nodePrng: Prng;
  private readonly clerkPrng: Prng;
  private nextClerkId = 0;
  private readonly clerks: TestClerk[] = [];

  private constructor(readonly options: KvClusterOptions) {
    const { scheduler, prng, serverCount } = options;
    this.raftNetwork = new SimNetwork(scheduler, prng.fork(), serverCount);
    this.clientNetwork = new ClientNetwork(scheduler, prng.fork(), serverCount);
    this.diskPrng = prng.fork();
    this.nodePrng = prng.fork();
    this.clerkPrng = prng.fork();
    this.random = prng.fork();
    this.clock = new SimClock(scheduler);
    this.history = new KvHistory(scheduler);
    for (let i = 0; i < serverCount; i++) {
      this.servers.push(null);
      this.persisters.push(null);
      this.generations.push(0);
      this.watermarks.push(new MemoryWatermarkStore());
    }
  }

  /** Starts every server, connects all server links, then sets reliability (make_config). */
  static async create(options: KvClusterOptions): Promise<KvCluster> {
    assert(options.serverCount >= 1, 'kv cluster: serverCount must be >= 1');
    const cluster = new KvCluster(options);
    for (let i = 0; i < options.serverCount; i++) await cluster.startServer(i);
    cluster.connectAll();
    cluster.setUnreliable(options.unreliable);
    return cluster;
  }

  /** The number of servers. */
  get n(): number {
    return this.options.serverCount;
  }

  /** Every server id. */
  all(): NodeId[] {
    return this.servers.map((_, i) => i);
  }

  /** The scheduler's sleep; scripts wait only through this. */
  sleep(ms: number): Promise<void> {
    return this.options.scheduler.sleep(ms);
  }

  /** Virtual milliseconds now. */
  nowMs(): number {
    return this.options.scheduler.nowMs;
  }

  /** Fails the run now with `error` (the tester's t.Fatalf from a client goroutine). */
  fail(error: unknown): void {
    this.options.scheduler.fail(error instanceof Error ? error : new Error(String(error)));
  }

  /** Switches labrpc reliability for server and client traffic alike. */
  setUnreliable(unreliable: boolean): void {
    this.raftNetwork.setReliable(!unreliable);
    this.clientNetwork.setReliable(!unreliable);
  }

  /** Enables exactly the server links inside `a` and inside `b` (config.go's partition). */
  partition(a: readonly NodeId[], b: readonly NodeId[]): void {
    const group = new Map<NodeId, number>();
    for (const i of a) group.set(i, 0);
    for (const i of b) group.set(i, 1);
    for (let i = 0; i < this.n; i++) {
      for (let j = 0; j < this.n; j++) {
        const same = group.has(i) && group.get(i) === group.get(j);
        this.raftNetwork.setLink(i, j, same);
      }
    }
  }

  /** Enables every server link. */
  connectAll(): void {
    this.partition(this.all(), []);
  }

  /** Splits the servers into a majority and a minority that holds the current leader. */
  makePartition(): { majority: NodeId[]; minority: NodeId[] } {
    const leader = this.leader() ?? 0;
    const others = this.all().filter((i) => i !== leader);
    const majoritySize = Math.floor(this.n / 2) + 1;
    return {
      majority: others.slice(0, majoritySize),
      minority: [leader, ...others.slice(majoritySize)],
    };
  }

  /** The highest-term live server that believes it leads, or null. */
  leader(): NodeId | null {
    let best: { id: NodeId; term: number } | null = null;
    this.servers.forEach((server, id) => {
      const status = server?.raftStatus();
      if (status?.role !== 'leader') return;
      if (best === null || status.term > best.term) best = { id, term: status.term };
    });
    return (best as { id: NodeId } | null)?.id ?? null;
  }

  /** Cuts server i's links, deletes it from both networks, keeps a copy of its state, stops it. */
  shutdownServer(i: NodeId): void {
    for (let j = 0; j < this.n; j++) {
      this.raftNetwork.setLink(i, j, false);
      this.raftNetwork.setLink(j, i, false);
    }
    this.raftNetwork.remove(i);
    this.clientNetwork.remove(i);
    this.generations[i]!++;
    const persister = this.persisters[i];
    if (persister !== null && persister !== undefined) this.persisters[i] = persister.copy();
    this.servers[i]?.stop();
    this.servers[i] = null;
  }

  /** Boots a new instance of server i from a copy of its saved state (not connected yet). */
  async startServer(i: NodeId): Promise<void> {
    if (this.servers[i] !== null) this.shutdownServer(i);
    const generation = this.generations[i]!;
    const latency = diskLatency(
      this.options.scheduler,
      this.diskPrng,
      this.options.diskLatencyMsMax ?? 2,
    );
    // Read at every save, so a slow-disk fault reaches a running node.
    const saveDelay = async () => {
      await latency();
      const slowMs = this.slowSavesMs[i] ?? 0;
      if (slowMs > 0) await this.options.scheduler.sleep(slowMs);
    };
    const saved = this.persisters[i];
    const persister = saved ? saved.copy({ saveDelay }) : new MemoryPersister({ saveDelay });
    this.persisters[i] = persister;
    const storage = this.protect(i, generation, persister);
    const transport = this.raftNetwork.add(i);
    const server = await createKvServerForTesting(
      {
        id: i,
        peers: i < (this.options.bootstrapCount ?? this.n) ? this.bootstrapPeers() : [],
        raft: { addresses: this.bootstrapPeers().map((id) => ({ id, address: `sim-${id}` })) },
        prng: this.nodePrng.fork(),
        persister: storage,
        transport,
        clock: this.clock,
        maxraftstate: this.options.maxraftstate,
        onFatal: (error) => this.options.scheduler.fail(error),
        ...(this.options.readMode === undefined ? {} : { readMode: this.options.readMode }),
      },
      this.options.bugs ?? {},
    );
    if (this.generations[i] !== generation) {
      server.stop();
      return;
    }
    this.servers[i] = server;
    this.raftNetwork.listen(i, (message) => server.receive(message));
    this.clientNetwork.register(i, (request) => server.handle(request));
  }

  /** Replaces stopped server i's saved state with a damaged copy; its watermark is kept. */
  async damageStore(i: NodeId, fault: StorageFault): Promise<StorageDamage | null> {
    assert(this.servers[i] === null, `damageStore: server ${i} is running`);
    const saved = this.persisters[i];
    if (saved === null || saved === undefined) return null;
    const damage = await damageStore(saved, fault);
    this.persisters[i] = damage.store;
    return damage;
  }

  private protect(i: NodeId, generation: number, store: MemoryPersister): Persister {
    if (this.options.storageProtection === false) return store;
    return watermarkedStore(store, this.watermarks[i]!, {
      alive: () => this.generations[i] === generation,
      onLoss: (losses) => this.detectedLosses.push({ node: i, losses }),
    });
  }

  /** Restarts every server (shut down first if running) and reconnects all server links. */
  async restartAll(): Promise<void> {
    for (let i = 0; i < this.n; i++) await this.startServer(i);
    this.connectAll();
  }

  // The bootstrap configuration every starting server agrees on (thesis §4.3).
  private bootstrapPeers(): NodeId[] {
    return this.all().slice(0, this.options.bootstrapCount ?? this.n);
  }

  /** A new recorded clerk with a shuffled end list, connected to `to` (default: every server). */
  makeClerk(to: readonly NodeId[] = this.all()): TestClerk {
    const clerkId = this.nextClerkId++;
    const transport = this.clientNetwork.addClerk(clerkId);
    const servers = this.all();
    shuffle(servers, this.random);
    const clerk = new Clerk({
      servers,
      transport,
      clock: this.clientNetwork.clerkClock(),
      prng: this.clerkPrng,
      operationTimeoutMs: this.options.operationTimeoutMs ?? Number.POSITIVE_INFINITY,
    });
    this.clientNetwork.connectClerk(clerkId, to);
    const testClerk = new TestClerk(this, clerkId, clerk);
    this.clerks.push(testClerk);
    return testClerk;
  }

  /** Enables exactly the ends of `clerk` to `to` (ConnectClient). */
  connectClerk(clerk: TestClerk, to: readonly NodeId[]): void {
    this.clientNetwork.connectClerk(clerk.id, to);
  }

  /** LogSize(): the largest persisted Raft state over all servers, snapshots not counted. */
  logSize(): number {
    return Math.max(0, ...this.persisters.map((p) => p?.raftStateSize() ?? 0));
  }

  /** SnapshotSize(): the largest persisted snapshot over all servers. */
  snapshotSize(): number {
    return Math.max(0, ...this.persisters.map((p) => p?.snapshotSize() ?? 0));
  }

  /** Raft plus client RPCs that reached a handler. */
  rpcTotal(): number {
    return this.raftNetwork.rpcTotal() + this.clientNetwork.rpcCount;
  }

  /** Fails the scenario unless the persisted Raft state is within 8 × maxraftstate. */
  checkLogSize(): void {
    const { maxraftstate } = this.options;
    if (maxraftstate <= 0) return;
    const size = this.logSize();
    if (size > 8 * maxraftstate) {
      throw new AssertionError(`logs were not trimmed (${size} > 8*${maxraftstate})`);
    }
  }

  /** Fails the scenario if any snapshot exists while maxraftstate is -1. */
  checkNoSnapshot(): void {
    if (this.options.maxraftstate >= 0) return;
    const size = this.snapshotSize();
    if (size > 0)
      throw new AssertionError(`snapshot too large (${size}), should not use snapshots`);
  }

  /** Stops every server (the end of a test). */
  cleanup(): void {
    for (const server of this.servers) server?.stop();
  }
}

function shuffle<T>(items: T[], random: Prng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
