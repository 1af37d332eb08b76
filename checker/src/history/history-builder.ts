// Validates events one at a time and pairs them into operations. Every way of making a history
// (JSONL parser, importers, recorder, shrinker) goes through here, so a History is always valid:
// one open operation per process, completions match their invocation, time never goes back.

import { assert } from '../assert.ts';
import { type HistoryError, type HistoryResult, historyError } from './history-error.ts';
import type { History, HistoryEvent, Operation, OperationStatus } from './types.ts';

interface OpenOperation {
  readonly id: number;
  readonly event: HistoryEvent;
  readonly line: number;
}

/** Incremental validator and pairer: push events in order, then finish to get the History. */
export class HistoryBuilder {
  private readonly events: HistoryEvent[] = [];
  private readonly operations: (Operation | undefined)[] = [];
  private readonly openByProcess = new Map<number, OpenOperation>();
  private timeLast = Number.NEGATIVE_INFINITY;

  /** Adds one event read from `line`; returns why it is invalid, or undefined when accepted. */
  push(event: HistoryEvent, line: number): HistoryError | undefined {
    if (event.time < this.timeLast) {
      return historyError(line, 'time-backwards', `time ${event.time} < previous ${this.timeLast}`);
    }
    const open = this.openByProcess.get(event.process);
    if (event.type === 'invoke') {
      if (open !== undefined) {
        return historyError(
          line,
          'two-open-ops',
          `process ${event.process} invoked ${event.f} while its ${open.event.f} from line ${open.line} is open`,
        );
      }
      const id = this.operations.length;
      this.operations.push(undefined);
      this.openByProcess.set(event.process, { id, event, line });
    } else {
      if (open === undefined) {
        return historyError(
          line,
          'return-without-invoke',
          `process ${event.process} completed ${event.f} with no open invocation`,
        );
      }
      const mismatch = completionMismatch(open.event, event);
      if (mismatch !== undefined) return historyError(line, 'mismatched-return', mismatch);
      this.openByProcess.delete(event.process);
      this.operations[open.id] = pairOperation(open, event, line);
    }
    this.timeLast = event.time;
    this.events.push(event);
    return undefined;
  }

  /** Closes the history: operations still open complete as `info` (they may have happened). */
  finish(): History {
    for (const open of this.openByProcess.values()) {
      this.operations[open.id] = makeOperation(open, 'info', undefined, Infinity, 0);
    }
    this.openByProcess.clear();
    const operations = this.operations.map((operation, index) => {
      assert(operation !== undefined, `operation ${index} was paired`);
      return operation;
    });
    return { events: this.events, operations };
  }
}

function completionMismatch(invoke: HistoryEvent, completion: HistoryEvent): string | undefined {
  if (completion.f !== invoke.f) {
    return `process ${completion.process} completed ${completion.f} but invoked ${invoke.f}`;
  }
  if (completion.key !== undefined && completion.key !== invoke.key) {
    return `process ${completion.process} completed key ${JSON.stringify(completion.key)} but invoked key ${JSON.stringify(invoke.key)}`;
  }
  return undefined;
}

function pairOperation(open: OpenOperation, completion: HistoryEvent, line: number): Operation {
  switch (completion.type) {
    case 'ok':
      return makeOperation(open, 'ok', completion.value, completion.time, line);
    case 'fail':
      return makeOperation(open, 'fail', undefined, completion.time, line);
    case 'info':
      // NB: an info operation's effect may land at any time after its invocation, so its
      // interval is open-ended; the completion line is kept only for reports.
      return makeOperation(open, 'info', undefined, Infinity, line);
    case 'invoke':
      throw new Error('checker invariant violated: an invoke is not a completion');
  }
}

function makeOperation(
  open: OpenOperation,
  status: OperationStatus,
  output: unknown,
  returnNs: number,
  returnLine: number,
): Operation {
  const { event } = open;
  const base = {
    id: open.id,
    process: event.process,
    f: event.f,
    input: event.value,
    output,
    status,
    callNs: event.time,
    returnNs,
    callLine: open.line,
    returnLine,
  };
  return event.key === undefined ? base : { ...base, key: event.key };
}

/** Builds a History from in-memory events (line numbers are the 1-based event positions). */
export function historyFromEvents(events: readonly HistoryEvent[]): HistoryResult {
  const builder = new HistoryBuilder();
  for (const [index, event] of events.entries()) {
    const error = builder.push(event, index + 1);
    if (error !== undefined) return { ok: false, error };
  }
  return { ok: true, history: builder.finish() };
}
