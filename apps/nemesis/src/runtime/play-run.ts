// One nemesis run on either runtime: wait for a leader, then the workload's clients and the
// fault schedule side by side, a leader/term sampler beside them, then (healed) one final read
// per key. Waits only through the control's clock, so on the simulator the whole run is
// deterministic from the seed. Everything it records goes into the returned RunRecord.
import { createPrng, createRecorder, type History } from '@kvraft/checker';
import {
  type ClusterControl,
  runSchedule,
  type Schedule,
  type TimelineEvent,
  waitForLeader,
} from '@kvraft/cluster';
import { KeySpace } from '../workload/op-mix.ts';
import {
  recordOne,
  runClients,
  type WorkloadCounts,
  type WorkloadRuntime,
} from '../workload/run-workload.ts';

/** One sample of who leads. */
export interface LeaderSample {
  readonly atMs: number;
  readonly leader: number | null;
  readonly term: number;
}

/** Live figures for the progress display. */
export interface RunProgress {
  readonly elapsedMs: number;
  readonly durationMs: number;
  readonly counts: Readonly<WorkloadCounts>;
  readonly leader: number | null;
  readonly fault: string;
}

/** What a run recorded. */
export interface RunRecord {
  readonly history: History;
  readonly timeline: readonly TimelineEvent[];
  readonly leaders: readonly LeaderSample[];
  readonly counts: WorkloadCounts;
  /** Wall or virtual milliseconds the load phase took. */
  readonly elapsedMs: number;
  /** History time (ns) of the run's start: timeline times are relative to it. */
  readonly originNs: number;
}

/** Hooks of a run. */
export interface PlayHooks {
  readonly onEvent?: (event: TimelineEvent) => void;
  readonly onProgress?: (progress: RunProgress) => void;
}

/** How long the run waits for a first leader, and for one before the final reads. */
export const leaderWaitMs = 20_000;
/** Leader sampling period. */
const sampleEveryMs = 250;
/** Process ids of the final reads and of flood clients, apart from the workload's. */
const finalReadProcess = 1_000_000;
const floodProcessBase = 500_000;
/** Pause between a client's operations: real clients are paced by the network already; the
 * simulator's virtual clock is so fast that clients would otherwise run millions of operations. */
const realThinkMs = 1;
const simThinkMs = 20;
/** Attempts of each final read (an indeterminate read is retried as a new process). */
const finalReadAttemptsMax = 5;

/** Plays `schedule` with its workload against `ctl`; resolves once the final reads are done. */
export async function playRun(
  ctl: ClusterControl,
  runtime: WorkloadRuntime,
  schedule: Schedule,
  hooks: PlayHooks = {},
): Promise<RunRecord> {
  const recorder = createRecorder({ nowNs: () => Math.round(ctl.nowMs() * 1_000_000) });
  if ((await waitForLeader(ctl, leaderWaitMs)) === undefined) {
    throw new Error(`no leader within ${leaderWaitMs} ms of starting the cluster`);
  }
  const originMs = ctl.nowMs();
  const untilMs = originMs + schedule.durationMs;
  const random = createPrng(schedule.seed);
  const counts: WorkloadCounts = { ok: 0, fail: 0, info: 0 };
  const state = { done: false, fault: 'none', floods: 0 };
  const leaders: LeaderSample[] = [];
  const keys = new KeySpace(schedule.workload);
  const thinkMs = ctl.runtime === 'sim' ? simThinkMs : realThinkMs;
  const group = {
    workload: schedule.workload,
    processStride: schedule.clients,
    random,
    keys,
    thinkMs,
  };
  const load = runClients(
    runtime,
    recorder,
    { ...group, clients: schedule.clients, firstProcess: 0, untilMs },
    counts,
  );
  const flood = async (clients: number, durationMs: number) => {
    const firstProcess = floodProcessBase + 10_000 * state.floods++;
    const floodGroup = { ...group, clients, firstProcess, processStride: clients };
    await runClients(
      runtime,
      recorder,
      { ...floodGroup, untilMs: ctl.nowMs() + durationMs },
      counts,
    );
  };
  const onEvent = (event: TimelineEvent) => {
    state.fault = event.phase === 'start' ? `${event.kind}: ${event.detail}` : 'none';
    hooks.onEvent?.(event);
  };
  const sampler = sampleLeaders(
    ctl,
    originMs,
    leaders,
    () => state.done,
    (leader) =>
      hooks.onProgress?.({
        elapsedMs: ctl.nowMs() - originMs,
        durationMs: schedule.durationMs,
        counts,
        leader,
        fault: state.fault,
      }),
  );
  const scheduleHooks = { random, flood, onEvent, leaderWaitMs, originMs };
  const [timeline] = await Promise.all([runSchedule(ctl, schedule, scheduleHooks), load]);
  const elapsedMs = ctl.nowMs() - originMs;
  state.done = true;
  await sampler;
  await finalReads(ctl, runtime, recorder, keys.all());
  return {
    history: recorder.history(),
    timeline,
    leaders,
    counts,
    elapsedMs,
    originNs: Math.round(originMs * 1_000_000),
  };
}

async function sampleLeaders(
  ctl: ClusterControl,
  originMs: number,
  samples: LeaderSample[],
  done: () => boolean,
  tick: (leader: number | null) => void,
): Promise<void> {
  while (!done()) {
    let best: LeaderSample = { atMs: Math.round(ctl.nowMs() - originMs), leader: null, term: 0 };
    for (const [id, status] of await ctl.status()) {
      if (status?.role === 'leader' && status.term >= best.term)
        best = { ...best, leader: id, term: status.term };
    }
    samples.push(best);
    tick(best.leader);
    await ctl.sleep(sampleEveryMs);
  }
}

// One read per key once the cluster is healed, so the append checks see every survivor.
async function finalReads(
  ctl: ClusterControl,
  runtime: WorkloadRuntime,
  recorder: ReturnType<typeof createRecorder>,
  keys: readonly string[],
): Promise<void> {
  // A cluster that elects nobody (every node recovering lost state) has nothing to read from:
  // the history ends as it is, rather than every key's reads timing out one by one.
  if ((await waitForLeader(ctl, leaderWaitMs)) === undefined) return;
  const { clerk, release } = runtime.clerk();
  let process = finalReadProcess;
  try {
    for (const key of keys) {
      for (let attempt = 0; attempt < finalReadAttemptsMax; attempt++) {
        const outcome = await recordOne(recorder, clerk, process, { f: 'get', key });
        if (outcome === 'ok') break;
        process++;
      }
    }
  } finally {
    release();
  }
}
