// Concurrent clerks against a cluster for a bounded time, every operation recorded with the
// checker's recorder: appends carry unique tokens ("x <client> <seq> y") so the append checks
// can find lost or duplicated writes; a final read per key closes the history.

import { createRecorder, type OperationHandle, type Recorder } from '@kvraft/checker';
import type { Clerk, ClerkResult } from '@kvraft/clerk';

/** Options of a workload run. */
export interface WorkloadOptions {
  readonly clerks: readonly Clerk[];
  readonly keys: readonly string[];
  readonly durationMs: number;
  /** Per-operation randomness in [0, 1). */
  readonly random: () => number;
  /** Ends the load early once it returns true (checked before each operation). */
  readonly stopped?: () => boolean;
}

/** What a workload run produced. */
export interface WorkloadResult {
  readonly recorder: Recorder;
  /** Latencies of successful operations, in milliseconds. */
  readonly latenciesMs: number[];
  readonly okCount: number;
  readonly failedCount: number;
  readonly unknownCount: number;
  readonly elapsedMs: number;
}

/** The process id of the final reads, apart from every client's. */
const finalReadProcess = 1_000_000;

/** A monotonic nanosecond clock for the recorder. */
export const processNanoClock = { nowNs: () => Number(process.hrtime.bigint()) };

/** Runs the workload; resolves once every client stopped and the final reads are recorded. */
export async function runWorkload(options: WorkloadOptions): Promise<WorkloadResult> {
  const recorder = createRecorder(processNanoClock);
  const latenciesMs: number[] = [];
  const counts = { ok: 0, fail: 0, info: 0 };
  const startedMs = performance.now();
  const deadlineMs = startedMs + options.durationMs;
  await Promise.all(
    options.clerks.map(async (clerk, client) => {
      // After an indeterminate outcome the client continues as a new process (as Jepsen does),
      // so a process never has an operation that may still be in flight.
      let process = client;
      const running = () => performance.now() < deadlineMs && options.stopped?.() !== true;
      for (let seq = 1; running(); seq++) {
        const key = options.keys[Math.floor(options.random() * options.keys.length)]!;
        const roll = options.random();
        const kind = roll < 0.45 ? 'append' : roll < 0.55 ? 'put' : 'get';
        const value = kind === 'get' ? undefined : `x ${client} ${seq} y `;
        const before = counts.info;
        await recordOne(recorder, clerk, { process, kind, key, value }, latenciesMs, counts);
        if (counts.info !== before) process += options.clerks.length;
      }
    }),
  );
  const elapsedMs = performance.now() - startedMs;
  const reader = options.clerks[0]!;
  for (const key of options.keys) {
    const process = finalReadProcess;
    await recordOne(recorder, reader, { process, kind: 'get', key, value: undefined }, [], counts);
  }
  return {
    recorder,
    latenciesMs,
    okCount: counts.ok,
    failedCount: counts.fail,
    unknownCount: counts.info,
    elapsedMs,
  };
}

interface Op {
  readonly process: number;
  readonly kind: 'get' | 'put' | 'append';
  readonly key: string;
  readonly value: string | undefined;
}

async function recordOne(
  recorder: Recorder,
  clerk: Clerk,
  op: Op,
  latenciesMs: number[],
  counts: { ok: number; fail: number; info: number },
): Promise<void> {
  const handle: OperationHandle = recorder.invoke(op.process, op.kind, op.key, op.value);
  const startedMs = performance.now();
  const result: ClerkResult<string | undefined> =
    op.kind === 'get'
      ? await clerk.get(op.key)
      : op.kind === 'put'
        ? await clerk.put(op.key, op.value!)
        : await clerk.append(op.key, op.value!);
  if (result.ok) {
    latenciesMs.push(performance.now() - startedMs);
    counts.ok++;
    handle.ok(op.kind === 'get' ? result.value : undefined);
  } else if (result.indeterminate) {
    counts.info++;
    handle.info();
  } else {
    counts.fail++;
    handle.fail();
  }
}

/** The q-quantile (0..1) of `values`, or 0 when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
