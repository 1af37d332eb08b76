// The history vocabulary shared by the parser, importers, recorder, models and search.
// An event is one line of the JSON Lines format; an operation pairs an invocation with its
// completion. Times are monotonic nanoseconds; a history's events never go back in time.

/** The four event types, with Jepsen semantics: `fail` never happened, `info` may have. */
export type EventType = 'invoke' | 'ok' | 'fail' | 'info';

/** One line of a history: an invocation or the completion of a process's open operation. */
export interface HistoryEvent {
  readonly type: EventType;
  readonly process: number;
  readonly f: string;
  readonly key?: string;
  readonly value?: unknown;
  /** Monotonic nanoseconds. */
  readonly time: number;
}

/** How an operation ended: `open` means the history ended before it completed (as `info`). */
export type OperationStatus = 'ok' | 'fail' | 'info';

/** An invocation paired with its completion; the unit the models and the search work on. */
export interface Operation {
  /** Index in `History.operations`, which is in invocation order. */
  readonly id: number;
  readonly process: number;
  readonly f: string;
  readonly key?: string;
  /** The invocation's value (the argument). */
  readonly input: unknown;
  /** The completion's value (the result); undefined for `info` and `fail`. */
  readonly output: unknown;
  readonly status: OperationStatus;
  /** Invocation time, nanoseconds. */
  readonly callNs: number;
  /** Completion time, nanoseconds; +Infinity for `info` (it may take effect at any later time). */
  readonly returnNs: number;
  /** 1-based source line of the invocation (0 when the history was built in memory). */
  readonly callLine: number;
  /** 1-based source line of the completion (0 when there is none). */
  readonly returnLine: number;
}

/** A validated history: its events in time order and the operations they pair into. */
export interface History {
  readonly events: readonly HistoryEvent[];
  readonly operations: readonly Operation[];
}
