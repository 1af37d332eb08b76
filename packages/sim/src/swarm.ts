// The randomized swarm (TigerBeetle's VOPR in our words). One seed draws a fault mix, runs a
// cluster under it with clients proposing and a nemesis injecting partitions and crashes while
// RaftInvariants and the strict appliers check safety after every event; then a liveness phase
// heals everything and requires a leader and a fresh command applied on every node in bounded
// virtual time. With membership on, the nemesis also changes the configuration (learners,
// promotions, removals, joint consensus), and RaftInvariants checks config agreement per index.
// With storage faults on, some restarts first damage the node's store (storage-faults.ts): at
// most a minority of nodes is ever short of what it acknowledged, so the intact majority can
// still elect a leader and the damaged nodes catch up from it (FAST'18 PAR's premise). Storage
// protection (WatermarkedPersister) is on unless switched off; off, the swarm finds the loss.
// Same seed and options, same run.
import {
  AssertionError,
  type ConfigState,
  compareLogPositions,
  createPrng,
  describeConfig,
  type LogPosition,
  laterLogPosition,
  memberIds,
  type NodeId,
  type Prng,
} from '@kvraft/raft-core';
import { type RaftBugs, raftBugNames } from '@kvraft/raft-core/testing/bugs';
import { describeFaultMix, drawFaultMix, type FaultMix } from './fault-mix.ts';
import { currentLeader, proposeChurn } from './membership-churn.ts';
import { faultsReliable } from './network-faults.ts';
import { RaftCluster } from './raft-cluster.ts';
import { RaftInvariants } from './raft-invariants.ts';
import { SimulationFailure } from './raft-scenario.ts';
import { Scheduler, type SchedulerLimits } from './scheduler.ts';
import type { StorageFault } from './storage-faults.ts';

/** What a swarm run adds to the seed: storage faults, and whether the stores are protected. */
export interface SwarmOptions {
  /** Damage stores at some restarts (fault-mix.ts draws how); default false. */
  readonly storageFaults?: boolean;
  /** Wrap each store in a WatermarkedPersister (default true); false trusts damaged stores. */
  readonly storageProtection?: boolean;
  /** TEST ONLY: deliberate Raft bugs every node runs with (raft-core's bugs.ts); default none. */
  readonly raftBugs?: RaftBugs;
}

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
  /** Membership changes the leader accepted during the safety phase. */
  readonly churnCount: number;
  readonly messageCount: number;
  readonly dropCount: number;
  /** Stores damaged at restarts (storage faults). */
  readonly storageFaultCount: number;
  /** Losses the WatermarkedPersisters detected at boot (0 unless stores were damaged). */
  readonly detectedLossCount: number;
}

/** Draws the fault mix of `seed` (what `runSwarmSeed(seed, options)` will use). */
export function faultMixOf(seed: number, options: SwarmOptions = {}): FaultMix {
  return drawFaultMix(createPrng(seed).fork(), options);
}

/** The one-line command that replays `seed` with the same options. */
export function swarmReplayCommand(seed: number, options: SwarmOptions = {}): string {
  const flags = [
    ...(options.storageFaults === true ? ['--storage-faults'] : []),
    ...(options.storageProtection === false ? ['--no-storage-protection'] : []),
    ...raftBugNames
      .filter((name) => options.raftBugs?.[name] === true)
      .map((name) => `--raft-bug ${name}`),
  ];
  return ['npm run sim --', ...flags, `--seed ${seed}`].join(' ');
}

/** Runs one swarm seed; resolves on success or rejects with SimulationFailure (seed attached). */
export async function runSwarmSeed(seed: number, options: SwarmOptions = {}): Promise<SwarmResult> {
  const scheduler = new Scheduler();
  const prng = createPrng(seed);
  const mix = drawFaultMix(prng.fork(), options);
  const outcome = {
    maxIndex: 0,
    crashCount: 0,
    messageCount: 0,
    dropCount: 0,
    churnCount: 0,
    storageFaultCount: 0,
    detectedLossCount: 0,
  };
  const damages = new StoreDamages(mix);
  const body = async (): Promise<void> => {
    const cluster = await RaftCluster.create({
      scheduler,
      prng: prng.fork(),
      serverCount: mix.serverCount + (mix.membership ? mix.spareCount : 0),
      bootstrapCount: mix.serverCount,
      unreliable: false,
      snapshot: mix.snapshots,
      strictApplyOrder: true,
      diskLatencyMsMax: mix.diskLatencyMsMax,
      raft: { preVote: mix.preVote, checkQuorum: mix.checkQuorum },
      storageProtection: options.storageProtection ?? true,
      raftBugs: options.raftBugs ?? {},
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
    const counts = await nemesis(cluster, mix, random, damages);
    outcome.crashCount = counts.crashCount;
    outcome.churnCount = counts.churnCount;
    control.stop = true;
    await Promise.all(clients);
    await liveness(cluster, control);
    cluster.cleanup();
    outcome.storageFaultCount = damages.log.length;
    outcome.detectedLossCount = cluster.detectedLosses.length;
    outcome.maxIndex = cluster.applied.maxIndex;
    outcome.messageCount = cluster.network.stats.sentCount;
    outcome.dropCount = cluster.network.stats.droppedCount;
  };
  try {
    const stats = await scheduler.run(body, swarmLimits.scheduler);
    return { seed, mix, timeMs: stats.timeMs, eventCount: stats.eventCount, ...outcome };
  } catch (error) {
    const recent = damages.log.slice(-5).map((line) => `\n  store damaged: ${line}`);
    const context = `fault mix: ${describeFaultMix(mix)}${recent.join('')}`;
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

/** The safety phase's fault injector; returns how many crashes and accepted changes it caused. */
async function nemesis(
  cluster: RaftCluster,
  mix: FaultMix,
  random: Prng,
  damages: StoreDamages,
): Promise<{ crashCount: number; churnCount: number }> {
  let crashCount = 0;
  let churnCount = 0;
  let elapsedMs = 0;
  while (elapsedMs < mix.safetyPhaseMs) {
    const sleepMs = mix.nemesisIntervalMs / 2 + random.nextInt(mix.nemesisIntervalMs);
    await cluster.sleep(sleepMs);
    elapsedMs += sleepMs;
    if (mix.membership && random.nextInt(2) === 0) {
      if (proposeChurn(cluster, random)?.ok) churnCount++;
      continue;
    }
    const roll = random.nextInt(100);
    if (mix.partitions && roll < 30) partition(cluster, random);
    else if (mix.partitions && roll < 40) cutOneLink(cluster, random);
    else if (mix.partitions && roll < 55) connectAll(cluster);
    else if (mix.crashes && roll < 70) crashCount += crashOne(cluster, random);
    else if (mix.crashes && roll < 85) await restartOne(cluster, random, damages);
    else if (mix.transfers) transferLeadership(cluster, random);
  }
  return { crashCount, churnCount };
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

async function restartOne(
  cluster: RaftCluster,
  random: Prng,
  damages: StoreDamages,
): Promise<void> {
  const down: NodeId[] = [];
  for (let i = 0; i < cluster.n; i++) if (cluster.nodes[i] === null) down.push(i);
  if (down.length === 0) return;
  const i = down[random.nextInt(down.length)]!;
  const fault = damages.draw(cluster, i, random);
  const damaged = fault !== null && (await damages.inflict(cluster, i, fault));
  await restart(cluster, i, damaged);
}

/**
 * The storage faults of one seed: draws them, inflicts them, and keeps the bound that makes
 * recovery possible at all. A node whose store lost entries stays suspect until its log is back
 * at the position it had before the damage; at most a minority of the servers is suspect at
 * once, so an intact majority remains to elect a leader that holds every committed entry (Raft
 * §5.4, and FAST'18 PAR's premise). The bound reads only the logs, never the protection, so a
 * seed draws the same faults with storage protection on and off until their runs diverge.
 */
class StoreDamages {
  /** One line per store damaged, in order. */
  readonly log: string[] = [];
  private readonly suspects = new Map<NodeId, LogPosition>();

  constructor(private readonly mix: FaultMix) {}

  /** Draws a fault for restarting down server i, or null (none drawn, or the bound forbids it). */
  draw(cluster: RaftCluster, i: NodeId, random: Prng): StorageFault | null {
    const storage = this.mix.storage;
    if (storage === null || random.nextFloat() >= storage.rate) return null;
    const kind = storage.kinds[random.nextInt(storage.kinds.length)]!;
    const fault: StorageFault =
      kind === 'tail' ? { kind, count: 1 + random.nextInt(storage.tailMax) } : { kind };
    if (kind === 'hard-state') return fault;
    this.forgetRecovered(cluster);
    const others = [...this.suspects.keys()].filter((id) => id !== i).length;
    return others + 1 <= Math.floor((cluster.n - 1) / 2) ? fault : null;
  }

  /** Damages stopped server i's store with `fault` and records it; false if it had no store. */
  async inflict(cluster: RaftCluster, i: NodeId, fault: StorageFault): Promise<boolean> {
    const damage = await cluster.damageStore(i, fault);
    if (damage === null) return false;
    this.log.push(`node ${i} at virtual ${cluster.nowMs()} ms, ${damage.detail}`);
    if (!damage.lostEntries) return true;
    const known = this.suspects.get(i);
    this.suspects.set(
      i,
      known === undefined ? damage.before : laterLogPosition(known, damage.before),
    );
    return true;
  }

  // A running suspect whose log reached its pre-damage position again holds what it held.
  private forgetRecovered(cluster: RaftCluster): void {
    for (const [id, before] of this.suspects) {
      const node = cluster.nodes[id];
      if (node === null || node === undefined) continue;
      const status = node.status();
      const lastTerm = node.logEntries().at(-1)?.term ?? status.snapshotTerm;
      const position = { index: status.lastIndex, term: lastTerm };
      if (compareLogPositions(position, before) >= 0) this.suspects.delete(id);
    }
  }
}

/**
 * Restarts server i and checks it resumed at or above its persisted commit index, and that the
 * storage protection found a loss only if the store was damaged: an ordinary crash of a store
 * whose saves were durable must never look like one.
 */
async function restart(cluster: RaftCluster, i: NodeId, damaged = false): Promise<void> {
  const saved = cluster.persisters[i];
  const persistedCommit = saved ? (await saved.load()).hardState.commitIndex : 0;
  const lossesBefore = cluster.detectedLosses.length;
  await cluster.start1(i);
  const loss = cluster.detectedLosses[lossesBefore];
  if (!damaged && loss !== undefined) {
    throw new AssertionError(
      `invariant violated: node ${i} restarted from an undamaged store, yet its watermark reports a loss: ${loss.losses.join('; ')}`,
    );
  }
  cluster.connect(i);
  const commitIndex = cluster.nodes[i]?.status().commitIndex ?? 0;
  if (commitIndex < persistedCommit) {
    throw new AssertionError(
      `invariant violated: node ${i} restarted with commitIndex ${commitIndex} below its persisted ${persistedCommit}`,
    );
  }
}

/**
 * Heals everything, then requires a leader and one fresh command applied on every member of the
 * leader's configuration (every node, without membership churn). Like an operator, the harness
 * keeps members running and stops servers the configuration no longer holds.
 */
async function liveness(cluster: RaftCluster, control: { nextCommand: number }): Promise<void> {
  cluster.network.setFaults(faultsReliable);
  for (let i = 0; i < cluster.n; i++) if (cluster.nodes[i] === null) await restart(cluster, i);
  for (let i = 0; i < cluster.n; i++) cluster.connect(i);
  const command = control.nextCommand++;
  let elapsedMs = 0;
  while (elapsedMs < swarmLimits.livenessMsMax) {
    const leader = currentLeader(cluster);
    // An operator ends an explicit joint state the nemesis left behind (thesis §4.3).
    if (leader !== undefined) cluster.nodes[leader]!.proposeConfChange({ changes: [] });
    const index = leader === undefined ? -1 : cluster.start(leader, command).index;
    let waitedMs = 0;
    while (waitedMs < (index === -1 ? swarmLimits.livenessPollMs : swarmLimits.livenessAttemptMs)) {
      await cluster.sleep(swarmLimits.livenessPollMs);
      waitedMs += swarmLimits.livenessPollMs;
      if (index === -1 || leader === undefined || cluster.nodes[leader] === null) continue;
      const members = await keepOnlyMembers(cluster, leader);
      const applied = members.every((i) => cluster.applied.logs[i]!.get(index) === command);
      if (applied && cluster.nCommitted(index).value === command) return;
    }
    elapsedMs += waitedMs;
  }
  throw new AssertionError(
    `liveness: no command applied on every member within ${swarmLimits.livenessMsMax} ms of healing; ${describeNodes(cluster)}`,
  );
}

// One line per server for a liveness failure: role, term, indexes and configuration.
function describeNodes(cluster: RaftCluster): string {
  const lines: string[] = [];
  for (let i = 0; i < cluster.n; i++) {
    const s = cluster.nodes[i]?.status();
    if (s === undefined) lines.push(`${i} down`);
    else {
      const config = describeConfig(s.config);
      lines.push(
        `${i} ${s.role} term=${s.term} commit=${s.commitIndex} applied=${s.appliedIndex} last=${s.lastIndex} ${config}@${s.configIndex}`,
      );
    }
  }
  return lines.join(' | ');
}

// Restarts every member of the leader's configuration that is down, and stops a server once
// every running member has applied a configuration without it (a removed node that never heard
// of its removal would otherwise campaign forever). Only the leader's view is not enough: it may
// be the only node that applied the change, and the others may still need that server's vote.
async function keepOnlyMembers(cluster: RaftCluster, leader: NodeId): Promise<NodeId[]> {
  const members = memberIds(cluster.nodes[leader]!.status().config);
  const configs: ConfigState[] = [];
  for (const id of members) {
    const node = cluster.nodes[id];
    if (node !== null && node !== undefined) configs.push(node.status().config);
  }
  for (let i = 0; i < cluster.n; i++) {
    const running = cluster.nodes[i] !== null;
    const removedEverywhere = configs.every((config) => !memberIds(config).includes(i));
    if (members.includes(i) && !running) {
      await restart(cluster, i);
      cluster.connect(i);
    } else if (running && removedEverywhere) cluster.crash1(i);
  }
  return members;
}
