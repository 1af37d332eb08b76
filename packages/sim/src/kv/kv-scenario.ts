// Runs one kv scenario (a script over a KvCluster) on a fresh scheduler from one seed, then checks
// the recorded history for linearizability with the kv model. `unknown` fails the run like
// `illegal` does: a verdict we could not reach is not a pass. Any failure carries the seed.
import { createPrng } from '@kvraft/raft-core';
import { SimulationFailure } from '../raft-scenario.ts';
import { Scheduler, type SchedulerLimits, schedulerLimitsDefault } from '../scheduler.ts';
import { KvCluster, type KvClusterOptions } from './kv-cluster.ts';

/** How to run one kv scenario. */
export interface KvScenarioOptions extends Omit<KvClusterOptions, 'scheduler' | 'prng'> {
  readonly seed: number;
  readonly limits?: SchedulerLimits;
  /** Check the history's linearizability after the script (default true). */
  readonly checkLinearizability?: boolean;
  /** The checker's deterministic search budget per key (default 50 million steps). */
  readonly checkStepsMax?: number;
}

/** What a passed kv scenario cost and checked. */
export interface KvScenarioResult {
  readonly seed: number;
  readonly timeMs: number;
  readonly eventCount: number;
  readonly rpcTotal: number;
  readonly opCount: number;
  readonly historyOperations: number;
  readonly verdict: 'ok' | 'skipped';
  readonly maxLogSize: number;
  readonly maxSnapshotSize: number;
}

/** The checker's default search budget per key for kv scenarios. */
export const kvCheckStepsMaxDefault = 50_000_000;

/** Runs `script` against a new KvCluster; rejects with SimulationFailure (seed inside) on failure. */
export async function runKvScenario(
  options: KvScenarioOptions,
  script: (cluster: KvCluster) => Promise<void>,
): Promise<KvScenarioResult> {
  const scheduler = new Scheduler();
  const prng = createPrng(options.seed);
  const holder: { cluster: KvCluster | null } = { cluster: null };
  const body = async (): Promise<void> => {
    const cluster = await KvCluster.create({ ...options, scheduler, prng });
    holder.cluster = cluster;
    try {
      await script(cluster);
    } finally {
      cluster.cleanup();
    }
  };
  try {
    const stats = await scheduler.run(body, options.limits ?? schedulerLimitsDefault);
    const cluster = holder.cluster as KvCluster | null;
    if (cluster === null) throw new Error('kv scenario: the cluster was never built');
    const history = cluster.history.history();
    let verdict: KvScenarioResult['verdict'] = 'skipped';
    if (options.checkLinearizability ?? true) {
      verdict = checkHistory(cluster, options.checkStepsMax ?? kvCheckStepsMaxDefault);
    }
    return {
      seed: options.seed,
      timeMs: stats.timeMs,
      eventCount: stats.eventCount,
      rpcTotal: cluster.rpcTotal(),
      opCount: cluster.opCount,
      historyOperations: history.operations.length,
      verdict,
      maxLogSize: cluster.logSize(),
      maxSnapshotSize: cluster.snapshotSize(),
    };
  } catch (error) {
    throw new SimulationFailure(options.seed, scheduler.nowMs, error);
  }
}

function checkHistory(cluster: KvCluster, stepsMax: number): 'ok' {
  const result = cluster.history.checkLinearizable(stepsMax);
  if (result.verdict === 'ok') return 'ok';
  const bad = result.partitions.filter((partition) => partition.verdict !== 'ok');
  const detail = bad
    .slice(0, 3)
    .map((p) => `key ${JSON.stringify(p.key)}: ${p.verdict}${p.reason ? ` (${p.reason})` : ''}`)
    .join('; ');
  const what =
    result.verdict === 'illegal' ? 'history is not linearizable' : 'linearizability unknown';
  throw new Error(`${what}: ${detail}`);
}
