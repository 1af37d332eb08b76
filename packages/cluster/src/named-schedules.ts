// Schedules with a name, written by hand rather than drawn: each replays one known failure
// story on any persister and either runtime (`kvraft-nemesis run --scenario <name>`).
import type { Schedule, WorkloadName } from './scenario.ts';

/** The named scenarios. */
export const scenarioNames = ['storage-loss'] as const;

/** One named scenario. */
export type ScenarioName = (typeof scenarioNames)[number];

/** The run parameters a named scenario takes from the command line. */
export interface NamedScheduleRequest {
  readonly persister: Schedule['persister'];
  readonly clients: number;
  readonly durationMs: number;
  readonly workload: WorkloadName;
  readonly seed: number;
}

/** Shortest run a named scenario accepts: it needs load before, during and after its step. */
export const namedScheduleDurationMsMin = 8000;

/** Builds scenario `name` for `request` (always three nodes); throws on a run too short. */
export function namedSchedule(name: ScenarioName, request: NamedScheduleRequest): Schedule {
  if (request.durationMs < namedScheduleDurationMsMin) {
    throw new Error(`scenario ${name} needs a run of at least ${namedScheduleDurationMsMin} ms`);
  }
  // storage-loss: load for 2 s, the storage-loss election over most of the run, then 2 s with
  // the old leader back, so the final reads see every acknowledged append.
  return {
    version: 1,
    seed: request.seed,
    nodes: 3,
    persister: request.persister,
    clients: request.clients,
    durationMs: request.durationMs,
    workload: request.workload,
    families: ['disk'],
    skipped: [],
    steps: [
      { atMs: 2000, durationMs: request.durationMs - 4000, lane: 0, fault: { kind: 'lost-store' } },
    ],
  };
}
