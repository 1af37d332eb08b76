// The swarm's fault mix: each seed draws its own blend of network faults, crashes, disk latency,
// snapshots and Raft knobs (TigerBeetle's VOPR swarm testing), so thousands of seeds cover
// combinations no hand-written scenario would. Printed up front by every swarm run.
import type { Prng } from '@kvraft/raft-core';
import type { NetworkFaults } from './network-faults.ts';
import { type StorageFaultKind, storageFaultKinds } from './storage-faults.ts';

/** How a seed damages stores at restarts (storage-faults.ts); null in the plain swarm. */
export interface StorageFaultMix {
  /** Chance (0–1) that a restart during the safety phase first damages the node's store. */
  readonly rate: number;
  /** The fault kinds this seed draws from (never empty). */
  readonly kinds: readonly StorageFaultKind[];
  /** A `tail` fault loses 1..tailMax entries. */
  readonly tailMax: number;
}

/** What the caller asks of a fault mix beyond what the seed draws. */
export interface FaultMixOptions {
  /** Draw storage faults too (crashes forced on, membership off); default false. */
  readonly storageFaults?: boolean;
}

/** Everything one swarm seed decides before it runs. */
export interface FaultMix {
  readonly serverCount: 3 | 5;
  readonly network: NetworkFaults;
  /** Random partitions and one-way link cuts during the safety phase. */
  readonly partitions: boolean;
  /** Crashes and restarts (from the persister's crash copy) during the safety phase. */
  readonly crashes: boolean;
  readonly diskLatencyMsMax: number;
  /** Whether the service snapshots every 10 applied indexes (InstallSnapshot paths). */
  readonly snapshots: boolean;
  /** Leadership transfers (TimeoutNow) requested by the nemesis. */
  readonly transfers: boolean;
  /** Share of client operations that are ReadIndex reads rather than proposals (0–1). */
  readonly readRate: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly clientCount: number;
  /** Mean virtual time between nemesis actions. */
  readonly nemesisIntervalMs: number;
  /** Virtual time of the safety phase (faults on), before the liveness phase heals everything. */
  readonly safetyPhaseMs: number;
  /** Membership churn by the nemesis (thesis §4.3): learners, promotions, removals, joint. */
  readonly membership: boolean;
  /** With membership: servers beyond `serverCount` that start outside the configuration. */
  readonly spareCount: number;
  /** Storage faults at restarts, or null when the swarm runs without them. */
  readonly storage: StorageFaultMix | null;
}

function pick<T>(prng: Prng, choices: readonly T[]): T {
  return choices[prng.nextInt(choices.length)]!;
}

/** Draws a fault mix from `prng`; equal streams (and options) give equal mixes. */
export function drawFaultMix(prng: Prng, options: FaultMixOptions = {}): FaultMix {
  const mix = drawPlainMix(prng);
  if (options.storageFaults !== true) return mix;
  // Drawn after every other field, so a seed's network, timing and knobs are the plain swarm's.
  // Storage faults strike at restarts, so crashes are on. Membership churn is off: a config
  // that shrinks to two voters while one is recovering has no safe leader at all (PAR needs a
  // majority of intact voters), which would be an honest halt, not a bug.
  return { ...mix, crashes: true, membership: false, storage: drawStorageMix(prng) };
}

function drawStorageMix(prng: Prng): StorageFaultMix {
  const rate = pick(prng, [0.25, 0.5, 1] as const);
  const kinds = storageFaultKinds.filter(() => prng.nextInt(3) !== 0);
  return {
    rate,
    kinds: kinds.length === 0 ? [pick(prng, storageFaultKinds)] : kinds,
    tailMax: pick(prng, [1, 3, 10, 50] as const),
  };
}

function drawPlainMix(prng: Prng): FaultMix {
  const lossRates = [0, 0, 0.05, 0.1, 0.3] as const;
  const delaysMs = [0, 5, 26, 100] as const;
  return {
    serverCount: pick(prng, [3, 5] as const),
    network: {
      requestDelayMsMax: pick(prng, delaysMs),
      requestLossRate: pick(prng, lossRates),
      replyDelayMsMax: pick(prng, delaysMs),
      replyLossRate: pick(prng, lossRates),
      duplicationRate: pick(prng, [0, 0, 0.05, 0.2] as const),
      longReordering: prng.nextInt(4) === 0,
    },
    partitions: prng.nextInt(2) === 0,
    crashes: prng.nextInt(2) === 0,
    diskLatencyMsMax: pick(prng, [0, 2, 10, 50] as const),
    snapshots: prng.nextInt(2) === 0,
    transfers: prng.nextInt(2) === 0,
    readRate: pick(prng, [0, 0.3] as const),
    preVote: prng.nextInt(4) !== 0,
    checkQuorum: prng.nextInt(4) !== 0,
    clientCount: 1 + prng.nextInt(3),
    nemesisIntervalMs: pick(prng, [200, 500, 1000] as const),
    safetyPhaseMs: 2000 + 500 * prng.nextInt(9),
    // Drawn last, so every earlier field of a seed is what it was before membership existed.
    membership: prng.nextInt(2) === 0,
    spareCount: 1 + prng.nextInt(2),
    storage: null,
  };
}

/** One line describing a fault mix, for the top of a swarm run's output. */
export function describeFaultMix(mix: FaultMix): string {
  const n = mix.network;
  const on = (flag: boolean): string => (flag ? 'on' : 'off');
  return [
    `nodes=${mix.serverCount}`,
    `loss=${n.requestLossRate}/${n.replyLossRate}`,
    `delay=${n.requestDelayMsMax}/${n.replyDelayMsMax}ms`,
    `dup=${n.duplicationRate}`,
    `reorder=${on(n.longReordering)}`,
    `partitions=${on(mix.partitions)}`,
    `crashes=${on(mix.crashes)}`,
    `disk=${mix.diskLatencyMsMax}ms`,
    `snapshots=${on(mix.snapshots)}`,
    `transfers=${on(mix.transfers)}`,
    `reads=${mix.readRate}`,
    `prevote=${on(mix.preVote)}`,
    `checkquorum=${on(mix.checkQuorum)}`,
    `clients=${mix.clientCount}`,
    `nemesis=${mix.nemesisIntervalMs}ms`,
    `safety=${mix.safetyPhaseMs}ms`,
    `membership=${mix.membership ? `on+${mix.spareCount}` : 'off'}`,
    ...(mix.storage === null ? [] : [describeStorageMix(mix.storage)]),
  ].join(' ');
}

function describeStorageMix(storage: StorageFaultMix): string {
  return `storage=${storage.kinds.join(',')}@${storage.rate} tail<=${storage.tailMax}`;
}
