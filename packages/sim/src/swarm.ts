// The randomized swarm (TigerBeetle's VOPR in our words). One seed draws a fault mix, runs a
// cluster under it with clients proposing and a nemesis injecting partitions and crashes while
// RaftInvariants and the strict appliers check safety after every event; then a liveness phase
// heals everything and requires a leader and a fresh command applied on every node in bounded
// virtual time. Same seed, same run.
import { AssertionError, createPrng, type NodeId, type Prng } from '@kvraft/raft-core';
import { describeFaultMix, drawFaultMix, type FaultMix } from './fault-mix.ts';
import { faultsReliable } from './network-faults.ts';
import { RaftCluster } from './raft-cluster.ts';
import { RaftInvariants } from './raft-invariants.ts';
import { SimulationFailure } from './raft-scenario.ts';
import { Scheduler, type SchedulerLimits } from './scheduler.ts';

/** Swarm bounds: the liveness deadline after healing, and the per-seed scheduler limits. */
export const swarmLimits = {
  /** Virtual time allowed, after healing, to elect a leader and apply a command everywhere. */
  livenessMsMax: 10_000,
  /** One attempt to commit the liveness command before proposing it again. */
  livenessAttemptMs: 2000,
  livenessPollMs: 50,
  scheduler: { timeMsMax: 60_000, eventsMax: 2_000_000 } satisfies SchedulerLimits,
} as const;

/** What one passed swarm seed did. */
export interface SwarmResult {
  readonly seed: number;
  readonly mix: FaultMix;
  readonly timeMs: number;
  readonly eventCount: number;
  /** The highest index any node applied. */
  readonly maxIndex: number;
  readonly crashCount: number;
  readonly messageCount: number;
  readonly dropCount: number;
}

/** Draws the fault mix of `seed` (what `runSwarmSeed(seed)` will use). */
export function faultMixOf(seed: number): FaultMix {
  return drawFaultMix(createPrng(seed).fork());
}

/** Runs one swarm seed; resolves on success or rejects with SimulationFailure (seed attached). */
export async function runSwarmSeed(seed: number): Promise<SwarmResult> {
  const scheduler = new Scheduler();
  const prng = createPrng(seed);
  const mix = drawFaultMix(prng.fork());
  const outcome = { maxIndex: 0, crashCount: 0, messageCount: 0, dropCount: 0 };
  const body = async (): Promise<void> => {
    const cluster = await RaftCluster.create({
      scheduler,
      prng: prng.fork(),
      serverCount: mix.serverCount,
      unreliable: false,
      snapshot: mix.snapshots,
      strictApplyOrder: true,
      diskLatencyMsMax: mix.diskLatencyMsMax,
      raft: { preVote: mix.preVote, checkQuorum: mix.checkQuorum },
    });
    const invariants = new RaftInvariants(cluster);
    scheduler.observe(() => invariants.check());
    cluster.network.setFaults(mix.network);
    const random = prng.fork();
    const control = { stop: false, nextCommand: 1 };
    const reads = { mix, invariants, fail: (error: Error) => scheduler.fail(error) };
    const clients = Array.from({ length: mix.clientCount }, () =>
      client(cluster, random, control, reads),
    );
    outcome.crashCount = await nemesis(cluster, mix, random);
    control.stop = true;
    await Promise.all(clients);
    await liveness(cluster, control);
    cluster.cleanup();
    outcome.maxIndex = cluster.applied.maxIndex;
    outcome.messageCount = cluster.network.stats.sentCount;
    outcome.dropCount = cluster.network.stats.droppedCount;
  };
  try {
    const stats = await scheduler.run(body, swarmLimits.scheduler);
    return { seed, mix, timeMs: stats.timeMs, eventCount: stats.eventCount, ...outcome };
  } catch (error) {
    const context = `fault mix: ${describeFaultMix(mix)}`;
    const cause = error instanceof Error ? error : new AssertionError(String(error));
    cause.message = `${cause.message}\n  ${context}`;
    throw new SimulationFailure(seed, scheduler.nowMs, cause);
  }
}

interface ReadContext {
  readonly mix: FaultMix;
  readonly invariants: RaftInvariants;
  readonly fail: (error: Error) => void;
}

/** A client: every 5–50 ms, proposes a fresh command or starts a ReadIndex at a random leader. */
async function client(
  cluster: RaftCluster,
  random: Prng,
  control: { stop: boolean; nextCommand: number },
  reads: ReadContext,
): Promise<void> {
  while (!control.stop) {
    await cluster.sleep(5 + random.nextInt(46));
    const leaders = liveServers(cluster).filter((i) => cluster.getState(i).isLeader);
    if (leaders.length === 0) continue;
    const leader = leaders[random.nextInt(leaders.length)]!;
    if (random.nextFloat() < reads.mix.readRate) startRead(cluster, leader, reads);
    else cluster.start(leader, control.nextCommand++);
  }
}

// Linearizable reads (thesis §6.4): a ReadIndex answered ok must cover every entry that was
// committed anywhere before the read began.
function startRead(cluster: RaftCluster, server: NodeId, reads: ReadContext): void {
  const committedBefore = reads.invariants.maxCommittedIndex;
  const node = cluster.nodes[server]!;
  void node.readIndex().then((result) => {
    if (!result.ok || result.index >= committedBefore) return;
    reads.fail(
      new AssertionError(
        `invariant violated: node ${server} ReadIndex ${result.index} is below index ${committedBefore} committed before the read began`,
      ),
    );
  });
}

function liveServers(cluster: RaftCluster): NodeId[] {
  const live: NodeId[] = [];
  for (let i = 0; i < cluster.n; i++) if (cluster.nodes[i] !== null) live.push(i);
  return live;
}

/** The safety phase's fault injector; returns how many crashes it caused. */
async function nemesis(cluster: RaftCluster, mix: FaultMix, random: Prng): Promise<number> {
  let crashCount = 0;
  let elapsedMs = 0;
  while (elapsedMs < mix.safetyPhaseMs) {
    const sleepMs = mix.nemesisIntervalMs / 2 + random.nextInt(mix.nemesisIntervalMs);
    await cluster.sleep(sleepMs);
    elapsedMs += sleepMs;
    const roll = random.nextInt(100);
    if (mix.partitions && roll < 30) partition(cluster, random);
    else if (mix.partitions && roll < 40) cutOneLink(cluster, random);
    else if (mix.partitions && roll < 55) connectAll(cluster);
    else if (mix.crashes && roll < 70) crashCount += crashOne(cluster, random);
    else if (mix.crashes && roll < 85) await restartOne(cluster, random);
    else if (mix.transfers) transferLeadership(cluster, random);
  }
  return crashCount;
}

/** Asks the current leader (if any) to hand leadership to a random other server. */
function transferLeadership(cluster: RaftCluster, random: Prng): void {
  const leader = liveServers(cluster).find((i) => cluster.getState(i).isLeader);
  if (leader === undefined) return;
  const target = random.nextInt(cluster.n);
  if (target !== leader) cluster.nodes[leader]!.transferLeadership(target);
}

/** Splits the connected servers into two random groups (either may hold a majority). */
function partition(cluster: RaftCluster, random: Prng): void {
  const group = cluster.connected.map(() => random.nextInt(2));
  for (let i = 0; i < cluster.n; i++) {
    for (let j = 0; j < cluster.n; j++) {
      if (!cluster.connected[i] || !cluster.connected[j]) continue;
      cluster.network.setLink(i, j, group[i] === group[j]);
    }
  }
}

/** Disables one random directed link (an asymmetric fault). */
function cutOneLink(cluster: RaftCluster, random: Prng): void {
  const from = random.nextInt(cluster.n);
  const to = random.nextInt(cluster.n);
  if (from !== to) cluster.network.setLink(from, to, false);
}

/** Enables every link between connected servers, and connects every live server. */
function connectAll(cluster: RaftCluster): void {
  for (let i = 0; i < cluster.n; i++) if (cluster.nodes[i] !== null) cluster.connect(i);
}

function crashOne(cluster: RaftCluster, random: Prng): number {
  const live = liveServers(cluster);
  if (live.length === 0) return 0;
  cluster.crash1(live[random.nextInt(live.length)]!);
  return 1;
}

async function restartOne(cluster: RaftCluster, random: Prng): Promise<void> {
  const down: NodeId[] = [];
  for (let i = 0; i < cluster.n; i++) if (cluster.nodes[i] === null) down.push(i);
  if (down.length === 0) return;
  await restart(cluster, down[random.nextInt(down.length)]!);
}

/** Restarts server i and checks it resumed at or above its persisted commit index. */
async function restart(cluster: RaftCluster, i: NodeId): Promise<void> {
  const saved = cluster.persisters[i];
  const persistedCommit = saved ? (await saved.load()).hardState.commitIndex : 0;
  await cluster.start1(i);
  cluster.connect(i);
  const commitIndex = cluster.nodes[i]?.status().commitIndex ?? 0;
  if (commitIndex < persistedCommit) {
    throw new AssertionError(
      `invariant violated: node ${i} restarted with commitIndex ${commitIndex} below its persisted ${persistedCommit}`,
    );
  }
}

/** Heals everything, then requires a leader and one fresh command applied on every node. */
async function liveness(cluster: RaftCluster, control: { nextCommand: number }): Promise<void> {
  cluster.network.setFaults(faultsReliable);
  for (let i = 0; i < cluster.n; i++) if (cluster.nodes[i] === null) await restart(cluster, i);
  for (let i = 0; i < cluster.n; i++) cluster.connect(i);
  const command = control.nextCommand++;
  let elapsedMs = 0;
  while (elapsedMs < swarmLimits.livenessMsMax) {
    const leader = liveServers(cluster).find((i) => cluster.getState(i).isLeader);
    const index = leader === undefined ? -1 : cluster.start(leader, command).index;
    let waitedMs = 0;
    while (waitedMs < (index === -1 ? swarmLimits.livenessPollMs : swarmLimits.livenessAttemptMs)) {
      await cluster.sleep(swarmLimits.livenessPollMs);
      waitedMs += swarmLimits.livenessPollMs;
      if (index === -1) continue;
      const { count, value } = cluster.nCommitted(index);
      if (count === cluster.n && value === command) return;
    }
    elapsedMs += waitedMs;
  }
  throw new AssertionError(
    `liveness: no command applied on all ${cluster.n} nodes within ${swarmLimits.livenessMsMax} ms of healing`,
  );
}
