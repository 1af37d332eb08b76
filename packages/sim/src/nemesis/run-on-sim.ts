// Runs a nemesis body (a fault schedule and its workload) inside the simulator: a fresh
// scheduler and KvCluster from one seed, durable in-memory persisters with copy-on-crash, and a
// SimClusterControl handed to the body. The same seed replays the same run exactly.
import { createPrng } from '@kvraft/raft-core';
import { KvCluster } from '../kv/kv-cluster.ts';
import { type RunStats, Scheduler } from '../scheduler.ts';
import { SimClusterControl } from './sim-cluster-control.ts';

/** How to build the simulated cluster. */
export interface SimRunOptions {
  readonly seed: number;
  readonly nodes: number;
  /** Virtual time the body may take, in milliseconds. */
  readonly timeMsMax: number;
  /** Events the run may take (a livelock guard). */
  readonly eventsMax: number;
  /** Clerk deadline, so a fault shows up as an indeterminate operation, not a hang. */
  readonly operationTimeoutMs: number;
}

/** Snapshot threshold of the simulated servers, in bytes of Raft state. */
const simMaxraftstateBytes = 64 * 1024;

/** Runs `body` on virtual time; resolves with what the run cost. */
export async function runOnSim(
  options: SimRunOptions,
  body: (ctl: SimClusterControl) => Promise<void>,
): Promise<RunStats> {
  const scheduler = new Scheduler();
  const prng = createPrng(options.seed);
  return scheduler.run(
    async () => {
      const cluster = await KvCluster.create({
        scheduler,
        prng,
        serverCount: options.nodes,
        unreliable: false,
        maxraftstate: simMaxraftstateBytes,
        operationTimeoutMs: options.operationTimeoutMs,
      });
      try {
        await body(new SimClusterControl(cluster));
      } finally {
        cluster.cleanup();
      }
    },
    { timeMsMax: options.timeMsMax, eventsMax: options.eventsMax },
  );
}
