// Validates events one at a time and pairs them into operations. Every way of making a history
// (JSONL parser, importers, recorder, shrinker) goes through here, so a History is always valid:
// one open operation per process, completions match their invocation, time never goes back.
// Large inputs may drop the events once paired (`retainEvents: false`) and read `bytes`, an
// estimate of what the history retains, to keep within a memory budget.

import { assert } from '../assert.ts';
import { type HistoryError, type HistoryResult, historyError } from './history-error.ts';
import type { History, HistoryEvent, Operation, OperationStatus } from './types.ts';

interface OpenOperation {
  readonly id: number;
  readonly event: HistoryEvent;
  readonly line: number;
}

/** Options of HistoryBuilder. */
export interface HistoryBuilderOptions {
  /**
   * Keep the events in `History.events` (default true). Readers of large files turn it off:
   * the operations hold everything the checks need, and `toJsonl` rebuilds events from them.
   */
  readonly retainEvents?: boolean;
}

// Estimated retained bytes of one Operation object and of one event object (V8, 64-bit).
const operationBytes = 200;
const eventBytes = 100;

/** Incremental validator and pairer: push events in order, then finish to get the History. */
export class HistoryBuilder {
  private readonly events: HistoryEvent[] = [];
  private readonly operations: (Operation | undefined)[] = [];
  private readonly openByProcess = new Map<number, OpenOperation>();
  private readonly retainEvents: boolean;
  private timeLast = Number.NEGATIVE_INFINITY;
  /** An estimate of the bytes the history built so far retains. */
  bytes = 0;

  /** Creates an empty builder. */
  constructor(options: HistoryBuilderOptions = {}) {
    this.retainEvents = options.retainEvents ?? true;
  }

  /** Adds one event read from `line`; returns why it is invalid, or undefined when accepted. */
  push(event: HistoryEvent, line: number): HistoryError | undefined {
    if (event.time < this.timeLast) {
      return historyError(line, 'time-backwards', `time ${event.time}`, {
        expected: `a time of at least ${this.timeLast}, the previous event's`,
      });
    }
    const open = this.openByProcess.get(event.process);
    if (event.type === 'invoke') {
      if (open !== undefined) {
        return historyError(
          line,
          'two-open-ops',
          `process ${event.process} invoked ${event.f} while its ${open.event.f} from line ${open.line} is open`,
          {
            expected: `a completion of that ${open.event.f} first (one open operation per process)`,
          },
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
          { expected: `an invoke of process ${event.process} before its completion` },
        );
      }
      const mismatch = completionMismatch(open.event, event);
      if (mismatch !== undefined) {
        return historyError(line, 'mismatched-return', mismatch, {
          expected: `the f and key of the invoke on line ${open.line}`,
        });
      }
      this.openByProcess.delete(event.process);
      this.operations[open.id] = pairOperation(open, event, line);
    }
    this.timeLast = event.time;
    if (this.retainEvents) {
      this.events.push(event);
      this.bytes += eventBytes;
    }
    this.bytes += (event.type === 'invoke' ? operationBytes : 0) + valueBytes(event.value);
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

/** A rough retained size of a parsed JSON value (strings one byte a character plus a header). */
function valueBytes(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'string') return 24 + value.length;
  if (typeof value !== 'object') return 16;
  return 64 + JSON.stringify(value).length * 2;
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
  const { process, f, key } = event;
  const callNs = event.time;
  const callLine = open.line;
  const input = event.value;
  // One literal per shape (no spread): this runs once per operation of a large file.
  return key === undefined
    ? { id: open.id, process, f, input, output, status, callNs, returnNs, callLine, returnLine }
    : {
        id: open.id,
        process,
        f,
        key,
        input,
        output,
        status,
        callNs,
        returnNs,
        callLine,
        returnLine,
      };
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
