// The recorder clients wrap around their calls to produce a history. Time comes from an injected
// clock (nanoseconds); an operation that times out or whose outcome is unknown is recorded as
// `info`, never dropped and never as `fail`. Completing a handle twice is a bug (asserted).

import { assert } from '../assert.ts';
import { HistoryBuilder } from './history-builder.ts';
import type { History, HistoryEvent } from './types.ts';

/** A monotonic clock in nanoseconds. */
export interface NanoClock {
  nowNs(): number;
}

/** An open operation; exactly one of ok, fail or info completes it. */
export interface OperationHandle {
  /** The operation happened; `value` is its result (a read's value). */
  ok(value?: unknown): void;
  /** The operation definitely did not happen. */
  fail(): void;
  /** The outcome is unknown (timeout, lost connection): it may or may not have happened. */
  info(): void;
}

/** How a wrapped call ended, as classified by the caller's function. */
export type Outcome =
  | { readonly type: 'ok'; readonly value?: unknown }
  | { readonly type: 'fail' | 'info' };

/** Records invocations and completions into a validated history. */
export interface Recorder {
  /** Records an invocation and returns the handle that completes it. */
  invoke(process: number, f: string, key?: string, value?: unknown): OperationHandle;
  /** Wraps an async call: invoke, await, then complete as `classify` says (throws become info by default). */
  record<T>(
    call: { process: number; f: string; key?: string; value?: unknown },
    run: () => Promise<T>,
    classify?: (result: { value: T } | { error: unknown }) => Outcome,
  ): Promise<T>;
  /** The history so far; operations still open appear as `info`. */
  history(): History;
}

/** Creates a recorder with times from `clock`. */
export function createRecorder(clock: NanoClock): Recorder {
  const events: HistoryEvent[] = [];
  const openProcesses = new Set<number>();
  const append = (event: HistoryEvent): void => {
    // One outstanding operation per process is the caller's contract, checked as it happens.
    if (event.type === 'invoke') {
      assert(!openProcesses.has(event.process), `process ${event.process} has one open operation`);
      openProcesses.add(event.process);
    } else {
      openProcesses.delete(event.process);
    }
    events.push(event);
  };
  const recorder: Recorder = {
    invoke(process, f, key, value) {
      const base = { process, f, ...(key === undefined ? {} : { key }) };
      append({
        type: 'invoke',
        ...base,
        ...(value === undefined ? {} : { value }),
        time: clock.nowNs(),
      });
      let completed = false;
      const complete = (event: HistoryEvent): void => {
        assert(!completed, `operation ${f} of process ${process} completes once`);
        completed = true;
        append(event);
      };
      return {
        ok: (result) =>
          complete({
            type: 'ok',
            ...base,
            ...(result === undefined ? {} : { value: result }),
            time: clock.nowNs(),
          }),
        fail: () => complete({ type: 'fail', ...base, time: clock.nowNs() }),
        info: () => complete({ type: 'info', ...base, time: clock.nowNs() }),
      };
    },
    async record(call, run, classify = defaultClassify) {
      const handle = recorder.invoke(call.process, call.f, call.key, call.value);
      let outcome: Outcome;
      try {
        const value = await run();
        outcome = classify({ value });
        completeWith(handle, outcome);
        return value;
      } catch (error) {
        outcome = classify({ error });
        completeWith(handle, outcome);
        throw error;
      }
    },
    history() {
      const builder = new HistoryBuilder();
      for (const [index, event] of events.entries()) {
        const error = builder.push(event, index + 1);
        assert(error === undefined, `recorded events form a valid history: ${error?.detail}`);
      }
      return builder.finish();
    },
  };
  return recorder;
}

function completeWith(handle: OperationHandle, outcome: Outcome): void {
  if (outcome.type === 'ok') handle.ok(outcome.value);
  else if (outcome.type === 'fail') handle.fail();
  else handle.info();
}

function defaultClassify<T>(result: { value: T } | { error: unknown }): Outcome {
  // An error says nothing about whether the operation took effect, so it is indeterminate.
  return 'value' in result ? { type: 'ok', value: result.value } : { type: 'info' };
}
