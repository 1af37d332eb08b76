// Runs one Raft scenario (a script over a RaftCluster) on a fresh scheduler from one seed, and
// turns any failure into a SimulationFailure that carries the seed and the virtual time, so the
// caller can print a replay command. Same seed, same code: same run, event for event.
import { createPrng } from '@kvraft/raft-core';
import { RaftCluster, type RaftClusterOptions } from './raft-cluster.ts';
import { RaftInvariants } from './raft-invariants.ts';
import { Scheduler, type SchedulerLimits, schedulerLimitsDefault } from './scheduler.ts';

/** How to run one scenario. */
export interface RaftScenarioOptions extends Omit<RaftClusterOptions, 'scheduler' | 'prng'> {
  readonly seed: number;
  readonly limits?: SchedulerLimits;
  /** Check RaftInvariants (safety and configuration agreement) after every event. */
  readonly checkInvariants?: boolean;
}

/** What a passed scenario cost, plus the tester's "Passed" line counters. */
export interface RaftScenarioResult {
  readonly seed: number;
  readonly timeMs: number;
  readonly eventCount: number;
  readonly rpcTotal: number;
  readonly bytesTotal: number;
  /** The highest index any server applied (the tester's committed-entry count). */
  readonly maxIndex: number;
}

/** A failed simulated run: the original error plus the seed and when it happened. */
export class SimulationFailure extends Error {
  override readonly name = 'SimulationFailure';

  /** Wraps `cause`, which happened at virtual `timeMs` in the run of `seed`. */
  constructor(
    readonly seed: number,
    readonly timeMs: number,
    override readonly cause: unknown,
  ) {
    super(
      `${cause instanceof Error ? cause.message : String(cause)} (seed ${seed}, at ${timeMs} ms)`,
    );
  }
}

/** Runs `script` against a new cluster; resolves with its cost or rejects with SimulationFailure. */
export async function runRaftScenario(
  options: RaftScenarioOptions,
  script: (cluster: RaftCluster) => Promise<void>,
): Promise<RaftScenarioResult> {
  const scheduler = new Scheduler();
  const prng = createPrng(options.seed);
  let cluster: RaftCluster | null = null;
  const body = async (): Promise<void> => {
    cluster = await RaftCluster.create({ ...options, scheduler, prng });
    if (options.checkInvariants) {
      const invariants = new RaftInvariants(cluster);
      scheduler.observe(() => invariants.check());
    }
    try {
      await script(cluster);
    } finally {
      cluster.cleanup();
    }
  };
  try {
    const stats = await scheduler.run(body, options.limits ?? schedulerLimitsDefault);
    const finished = cluster as RaftCluster | null;
    return {
      seed: options.seed,
      timeMs: stats.timeMs,
      eventCount: stats.eventCount,
      rpcTotal: finished?.rpcTotal() ?? 0,
      bytesTotal: finished?.bytesTotal() ?? 0,
      maxIndex: finished?.applied.maxIndex ?? 0,
    };
  } catch (error) {
    throw new SimulationFailure(options.seed, scheduler.nowMs, error);
  }
}
