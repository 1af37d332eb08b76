// Concurrent clients against a cluster until a deadline on the runtime's clock, every operation
// recorded with the checker's recorder (nanoseconds from the same clock). After an indeterminate
// outcome a client continues as a new process, as Jepsen does, so no process has two operations
// in flight. The same code runs on wall-clock time and on the simulator's virtual time.
import type { Recorder } from '@kvraft/checker';
import type { Clerk, ClerkResult } from '@kvraft/clerk';
import type { WorkloadName } from '@kvraft/cluster';
import { type KeySpace, type PlannedOp, planOp } from './op-mix.ts';

/** What the workload needs from its runtime. */
export interface WorkloadRuntime {
  /** Milliseconds on the runtime's clock. */
  nowMs(): number;
  /** Waits on the runtime's clock. */
  sleep(ms: number): Promise<void>;
  /** A new clerk; `release` is called once the client is done with it. */
  clerk(): { clerk: Clerk; release: () => void };
}

/** Counts of one workload run. */
export interface WorkloadCounts {
  ok: number;
  fail: number;
  info: number;
}

/** Options of one group of clients. */
export interface ClientGroup {
  readonly workload: WorkloadName;
  readonly clients: number;
  /** First process id of the group; processes advance by `processStride` after an info. */
  readonly firstProcess: number;
  readonly processStride: number;
  readonly untilMs: number;
  readonly random: () => number;
  readonly keys: KeySpace;
  /** Pause between a client's operations. */
  readonly thinkMs: number;
}

/** Runs a group of clients until `untilMs`; resolves once each stopped. */
export async function runClients(
  runtime: WorkloadRuntime,
  recorder: Recorder,
  group: ClientGroup,
  counts: WorkloadCounts,
): Promise<void> {
  await Promise.all(
    Array.from({ length: group.clients }, async (_, index) => {
      const { clerk, release } = runtime.clerk();
      const client = group.firstProcess + index;
      let process = client;
      try {
        for (let seq = 1; runtime.nowMs() < group.untilMs; seq++) {
          const op = planOp(group.workload, client, seq, group.random, group.keys);
          const outcome = await recordOne(recorder, clerk, process, op);
          counts[outcome]++;
          if (outcome === 'info') process += group.processStride;
          // Also guarantees the clock moves between operations, so a loop always ends.
          await runtime.sleep(group.thinkMs);
        }
      } finally {
        release();
      }
    }),
  );
}

/** Runs one recorded operation; returns how it ended. */
export async function recordOne(
  recorder: Recorder,
  clerk: Clerk,
  process: number,
  op: PlannedOp,
): Promise<'ok' | 'fail' | 'info'> {
  const handle = recorder.invoke(process, op.f, op.key, op.value);
  const result: ClerkResult<string | undefined> =
    op.f === 'get'
      ? await clerk.get(op.key)
      : op.f === 'put'
        ? await clerk.put(op.key, op.value!)
        : await clerk.append(op.key, op.value!);
  if (result.ok) {
    handle.ok(op.f === 'get' ? result.value : undefined);
    return 'ok';
  }
  if (result.indeterminate) {
    handle.info();
    return 'info';
  }
  handle.fail();
  return 'fail';
}
