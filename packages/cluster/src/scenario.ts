// The fault schedule as data (schedule.json): the run's parameters and a list of timed fault
// steps. It is written once and run by both runtimes; targets such as "leader" or "random" are
// resolved when a step runs, from the run's seed, and the resolution is recorded in the timeline.
// Invariant of a valid schedule: every step ends by the end of the run, and the node faults
// active at any one time leave a majority of nodes up (except one lone kill of every node).
import { type DiskDamage, diskDamages } from './disk-damage.ts';
import { type LinkFaults, linkFaultsProblem } from './link-faults.ts';

/** The fault families `--faults` names. */
export const faultFamilies = [
  'kill',
  'pause',
  'partition',
  'link',
  'disk',
  'restart',
  'transfer',
  'flood',
] as const;

/** One fault family. */
export type FaultFamily = (typeof faultFamilies)[number];

/** The workloads `--workload` names. */
export const workloadNames = [
  'append',
  'register',
  'mixed',
  'read-heavy',
  'hot-key',
  'big-values',
] as const;

/** One workload. */
export type WorkloadName = (typeof workloadNames)[number];

/** Partition shapes, as Jepsen names them. */
export const partitionShapes = [
  'halves',
  'isolate-one',
  'isolate-leader',
  'ring',
  'bridge',
  'one-way',
] as const;

/** One fault: what a step does for its duration, undone at its end. */
export type FaultSpec =
  | { readonly kind: 'partition'; readonly shape: (typeof partitionShapes)[number] }
  | { readonly kind: 'kill'; readonly target: 'leader' | 'random' | 'minority' | 'all' }
  | { readonly kind: 'pause'; readonly target: 'leader' | 'random' }
  | { readonly kind: 'link'; readonly faults: LinkFaults; readonly clients: boolean }
  | { readonly kind: 'disk'; readonly damage: DiskDamage; readonly target: 'leader' | 'random' }
  | {
      readonly kind: 'disk-io';
      readonly mode: 'slow' | 'eio' | 'enospc';
      readonly delayMs: number;
      readonly target: 'leader' | 'random';
    }
  | { readonly kind: 'restart'; readonly mode: 'rolling' | 'graceful' }
  | { readonly kind: 'flood'; readonly clients: number }
  | { readonly kind: 'transfer'; readonly everyMs: number }
  /** The storage-loss election (lost-store-fault.ts); a named scenario, never drawn. */
  | { readonly kind: 'lost-store' };

/** One timed step; steps of one lane never overlap, lanes run side by side. */
export interface ScheduleStep {
  readonly atMs: number;
  readonly durationMs: number;
  readonly lane: number;
  readonly fault: FaultSpec;
}

/** A whole run: parameters and steps. */
export interface Schedule {
  readonly version: 1;
  readonly seed: number;
  readonly nodes: number;
  readonly persister: 'sqlite' | 'level' | 'memory';
  readonly clients: number;
  readonly durationMs: number;
  readonly workload: WorkloadName;
  /** Families asked for, including those this build cannot run (noted in `skipped`). */
  readonly families: readonly FaultFamily[];
  /** Families asked for but not run, with the reason. */
  readonly skipped: readonly { readonly family: FaultFamily; readonly reason: string }[];
  readonly steps: readonly ScheduleStep[];
}

/** Node counts the nemesis runs. */
export const nodeCounts: readonly number[] = [3, 5, 7];

/** How many nodes a step takes down (0 for network and client faults). */
export function nodesDown(fault: FaultSpec, nodes: number): number {
  switch (fault.kind) {
    case 'kill':
      if (fault.target === 'all') return nodes;
      return fault.target === 'minority' ? Math.floor((nodes - 1) / 2) : 1;
    case 'pause':
    case 'disk':
    case 'disk-io':
      return 1;
    case 'restart':
      return 1;
    case 'lost-store':
      return nodes;
    default:
      return 0;
  }
}

/** Returns every problem of `schedule` (empty when it can run). */
export function scheduleProblems(schedule: Schedule): string[] {
  const problems: string[] = [];
  if (!nodeCounts.includes(schedule.nodes)) problems.push(`nodes must be one of 3, 5, 7`);
  for (const [index, step] of schedule.steps.entries()) {
    const where = `step ${index + 1} (${step.fault.kind})`;
    if (step.atMs < 0 || step.durationMs < 0) problems.push(`${where}: negative time`);
    if (step.atMs + step.durationMs > schedule.durationMs) {
      problems.push(
        `${where}: ends at ${step.atMs + step.durationMs} ms, after the run's ${schedule.durationMs} ms, so it would never be undone`,
      );
    }
    const fault = step.fault;
    if (fault.kind === 'link') {
      const problem = linkFaultsProblem(fault.faults);
      if (problem !== undefined) problems.push(`${where}: ${problem}`);
    }
    if (fault.kind === 'disk' && !diskDamages.includes(fault.damage)) {
      problems.push(`${where}: unknown damage ${String(fault.damage)}`);
    }
  }
  problems.push(...majorityProblems(schedule));
  return problems;
}

// Overlapping node faults must leave a majority up; a lone kill of every node is the exception
// (it is a whole-cluster crash and restart, not a lasting loss of quorum), and so is a lone
// storage-loss election, whose point is a cluster that must not elect anyone for a while.
function majorityProblems(schedule: Schedule): string[] {
  const minority = Math.floor((schedule.nodes - 1) / 2);
  const problems: string[] = [];
  for (const step of schedule.steps) {
    const t = step.atMs;
    const active = schedule.steps.filter((s) => s.atMs <= t && t < s.atMs + s.durationMs);
    const down = active.reduce((sum, s) => sum + nodesDown(s.fault, schedule.nodes), 0);
    const loneKillAll =
      active.length === 1 &&
      ((step.fault.kind === 'kill' && step.fault.target === 'all') ||
        step.fault.kind === 'lost-store');
    if (down > minority && !loneKillAll) {
      problems.push(
        `at ${t} ms ${active.length} overlapping fault(s) take ${down} of ${schedule.nodes} nodes down: no majority would be left`,
      );
      break;
    }
  }
  return problems;
}
