// The simulated runtime: the same schedule and workload on virtual time inside one process, the
// cluster a KvCluster behind SimClusterControl. The same seed gives the same history.
import type { ClusterControl, Schedule } from '@kvraft/cluster';
import { runOnSim } from '@kvraft/sim';
import { type PlayHooks, playRun, type RunRecord } from './play-run.ts';

/** Virtual time a run may take beyond its duration (leader waits, final reads). */
const simSlackMs = 120_000;
/** Events a simulated run may take. */
const simEventsMax = 200_000_000;

/** Plays `schedule` in the simulator. */
export async function runSim(schedule: Schedule, hooks: PlayHooks = {}): Promise<RunRecord> {
  let record: RunRecord | undefined;
  await runOnSim(
    {
      seed: schedule.seed,
      nodes: schedule.nodes,
      timeMsMax: schedule.durationMs + simSlackMs,
      eventsMax: simEventsMax,
      operationTimeoutMs: 5000,
    },
    async (sim) => {
      const ctl: ClusterControl = sim;
      const runtime = {
        sleep: (ms: number) => sim.sleep(ms),
        nowMs: () => sim.nowMs(),
        clerk: () => ({ clerk: sim.clerk(), release: () => undefined }),
      };
      record = await playRun(ctl, runtime, schedule, hooks);
    },
  );
  if (record === undefined) throw new Error('the simulated run produced no record');
  return record;
}
