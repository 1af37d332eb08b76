// Draws a fault schedule from a seed: after a quiet warm-up, one fault at a time per lane from
// the chosen families, each followed by a recovery gap, ending before a quiet cool-down so the
// final reads see a healed cluster. Pauses outlast the election timeout (300–600 ms at the
// default 10 ms tick) so a paused leader is replaced while it sleeps.
import { createPrng, type Prng } from '@kvraft/raft-core';
import { damageAppliesTo, diskDamages } from './disk-damage.ts';
import { linkFaultsNone } from './link-faults.ts';
import {
  type FaultFamily,
  type FaultSpec,
  partitionShapes,
  type Schedule,
  type ScheduleStep,
  scheduleProblems,
  type WorkloadName,
} from './scenario.ts';

/** What a generated schedule is drawn from. */
export interface ScheduleRequest {
  readonly seed: number;
  readonly nodes: number;
  readonly persister: Schedule['persister'];
  readonly clients: number;
  readonly durationMs: number;
  readonly workload: WorkloadName;
  readonly families: readonly FaultFamily[];
  /** Lanes of faults running side by side (lanes after the first take single nodes down). */
  readonly concurrency: number;
}

/** Quiet time before the first fault. */
export const warmupMs = 2000;
/** Quiet time after the last fault, before the final reads. */
export const cooldownMs = 2000;
/** Bounds of one fault's duration. */
export const faultMsMin = 1500;
/** Upper bound of one fault's duration. */
export const faultMsMax = 3500;
/** Bounds of the recovery gap after a fault. */
export const gapMsMin = 1000;
/** Upper bound of the recovery gap. */
export const gapMsMax = 2500;

/** Steps one lane may hold (a bound on the generator's loop). */
export const laneStepsMax = 100_000;

/** Families this build cannot run, and why (none today; kept for the next family added). */
export const unsupportedFamilies: Partial<Record<FaultFamily, string>> = {};

/** Draws a schedule; throws an Error listing every problem when it could not run. */
export function generateSchedule(request: ScheduleRequest): Schedule {
  const minority = Math.floor((request.nodes - 1) / 2);
  if (!Number.isSafeInteger(request.durationMs) || request.durationMs <= 0) {
    throw new Error(`durationMs ${request.durationMs} must be a positive integer`);
  }
  if (request.concurrency < 1 || request.concurrency > Math.max(1, minority)) {
    throw new Error(
      `--concurrency ${request.concurrency} on ${request.nodes} nodes would leave no majority (at most ${Math.max(1, minority)})`,
    );
  }
  const skipped = request.families
    .filter((family) => unsupportedFamilies[family] !== undefined)
    .map((family) => ({ family, reason: unsupportedFamilies[family]! }));
  const runnable = request.families.filter((family) => unsupportedFamilies[family] === undefined);
  const prng = createPrng(request.seed);
  const steps: ScheduleStep[] = [];
  for (let lane = 0; lane < request.concurrency && runnable.length > 0; lane++) {
    steps.push(...drawLane(request, runnable, lane, prng.fork()));
  }
  steps.sort((a, b) => a.atMs - b.atMs || a.lane - b.lane);
  const { concurrency: _, ...rest } = request;
  const schedule: Schedule = { version: 1, ...rest, families: request.families, skipped, steps };
  const problems = scheduleProblems(schedule);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return schedule;
}

function drawLane(
  request: ScheduleRequest,
  families: readonly FaultFamily[],
  lane: number,
  prng: Prng,
): ScheduleStep[] {
  // Later lanes only take single nodes down, so lanes together keep a majority.
  const laneFamilies =
    lane === 0 ? families : families.filter((f) => f === 'kill' || f === 'pause');
  if (laneFamilies.length === 0) return [];
  const steps: ScheduleStep[] = [];
  const endMs = request.durationMs - cooldownMs;
  let atMs = warmupMs + lane * 700;
  // Cycle through the families from a seeded start, so a short run still exercises each one.
  const offset = prng.nextInt(laneFamilies.length);
  for (let index = offset; steps.length < laneStepsMax; index++) {
    const durationMs = between(prng, faultMsMin, faultMsMax);
    if (atMs + durationMs > endMs) break;
    const family = laneFamilies[index % laneFamilies.length]!;
    const fault = drawFault(family, request, lane, prng);
    if (fault !== undefined) steps.push({ atMs, durationMs, lane, fault });
    atMs += durationMs + between(prng, gapMsMin, gapMsMax);
  }
  return steps;
}

function drawFault(
  family: FaultFamily,
  request: ScheduleRequest,
  lane: number,
  prng: Prng,
): FaultSpec | undefined {
  switch (family) {
    case 'partition':
      return { kind: 'partition', shape: pick(prng, partitionShapes) };
    case 'kill': {
      // With other lanes running, one lane's kill takes one node, so the lanes keep a majority.
      const alone = request.concurrency === 1;
      const targets = alone
        ? (['leader', 'random', 'minority', 'all'] as const)
        : lane === 0
          ? (['leader', 'random'] as const)
          : (['random'] as const);
      return { kind: 'kill', target: pick(prng, targets) };
    }
    case 'pause':
      return {
        kind: 'pause',
        target: lane === 0 ? pick(prng, ['leader', 'random'] as const) : 'random',
      };
    case 'link':
      return {
        kind: 'link',
        clients: prng.nextInt(2) === 0,
        faults: {
          ...linkFaultsNone,
          dropRate: pick(prng, [0, 0.05, 0.2]),
          duplicateRate: pick(prng, [0, 0.05, 0.2]),
          reorderRate: pick(prng, [0, 0.1, 0.3]),
          delayMs: pick(prng, [0, 5, 50]),
          jitterMs: pick(prng, [0, 26, 100]),
          bandwidthBytesPerSecond: pick(prng, [0, 0, 256 * 1024]),
        },
      };
    case 'disk': {
      const damages = diskDamages.filter((d) => damageAppliesTo(d, request.persister));
      // Half the disk faults hit a running node's saves (slow fsync, EIO, ENOSPC) instead.
      if (damages.length === 0 || prng.nextInt(2) === 0) {
        const mode = pick(prng, ['slow', 'eio', 'enospc'] as const);
        const target = pick(prng, ['leader', 'random'] as const);
        return { kind: 'disk-io', mode, delayMs: pick(prng, [50, 200, 1000]), target };
      }
      return {
        kind: 'disk',
        damage: pick(prng, damages),
        target: pick(prng, ['leader', 'random'] as const),
      };
    }
    case 'restart':
      return { kind: 'restart', mode: pick(prng, ['rolling', 'graceful'] as const) };
    case 'flood':
      return { kind: 'flood', clients: pick(prng, [8, 16]) };
    case 'transfer':
      return { kind: 'transfer', everyMs: pick(prng, [300, 700]) };
  }
}

function between(prng: Prng, min: number, max: number): number {
  return min + prng.nextInt(max - min + 1);
}

function pick<T>(prng: Prng, items: readonly T[]): T {
  return items[prng.nextInt(items.length)]!;
}
