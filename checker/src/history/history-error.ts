// Typed results for malformed histories. Parsers and importers return these instead of throwing,
// and they never guess: each names the 1-based line, the column when one is known, a
// machine-readable reason, what was found, and what was expected instead.

import type { History } from './types.ts';

/** Why a history was rejected (or, for the two budget reasons, why reading it stopped). */
export type HistoryErrorReason =
  | 'bad-json'
  | 'bad-edn'
  | 'bad-field'
  | 'unknown-type'
  | 'return-without-invoke'
  | 'two-open-ops'
  | 'mismatched-return'
  | 'time-backwards'
  | 'unreadable'
  | 'read-time-budget'
  | 'read-memory-budget';

/** A malformed-input report: where (1-based line, 0 when not tied to a line), why, and details. */
export interface HistoryError {
  readonly kind: 'history-error';
  readonly line: number;
  /** 1-based column of the offending character or field; 0 when the whole line is meant. */
  readonly column: number;
  readonly reason: HistoryErrorReason;
  /** What was found. */
  readonly detail: string;
  /** What was expected instead ("" when the reason says it all). */
  readonly expected: string;
}

/** The result of reading a history: the history, or the first reason it is malformed. */
export type HistoryResult =
  | { readonly ok: true; readonly history: History }
  | { readonly ok: false; readonly error: HistoryError };

/** Where an error points and what was expected there (both optional). */
export interface ErrorPlace {
  readonly column?: number;
  readonly expected?: string;
}

/** Builds a HistoryError. */
export function historyError(
  line: number,
  reason: HistoryErrorReason,
  detail: string,
  place: ErrorPlace = {},
): HistoryError {
  return {
    kind: 'history-error',
    line,
    column: place.column ?? 0,
    reason,
    detail,
    expected: place.expected ?? '',
  };
}

/** Renders a HistoryError as one line ("line 12, column 7: bad-json: ...; expected ..."). */
export function describeHistoryError(error: HistoryError): string {
  const line = error.line > 0 ? `line ${error.line}` : 'input';
  const where = error.column > 0 ? `${line}, column ${error.column}` : line;
  const expected = error.expected === '' ? '' : `; expected ${error.expected}`;
  return `${where}: ${error.reason}: ${error.detail}${expected}`;
}

/** Whether reading stopped on a budget rather than on malformed input. */
export function isBudgetError(error: HistoryError): boolean {
  return error.reason === 'read-time-budget' || error.reason === 'read-memory-budget';
}
