// Typed results for malformed histories. Parsers and importers return these instead of throwing,
// and they never guess: each names the 1-based line and a machine-readable reason.

import type { History } from './types.ts';

/** Why a history was rejected. */
export type HistoryErrorReason =
  | 'bad-json'
  | 'bad-edn'
  | 'bad-field'
  | 'unknown-type'
  | 'return-without-invoke'
  | 'two-open-ops'
  | 'mismatched-return'
  | 'time-backwards'
  | 'unreadable';

/** A malformed-input report: where (1-based line, 0 when not tied to a line), why, and details. */
export interface HistoryError {
  readonly kind: 'history-error';
  readonly line: number;
  readonly reason: HistoryErrorReason;
  readonly detail: string;
}

/** The result of reading a history: the history, or the first reason it is malformed. */
export type HistoryResult =
  | { readonly ok: true; readonly history: History }
  | { readonly ok: false; readonly error: HistoryError };

/** Builds a HistoryError. */
export function historyError(
  line: number,
  reason: HistoryErrorReason,
  detail: string,
): HistoryError {
  return { kind: 'history-error', line, reason, detail };
}

/** Renders a HistoryError as one line for people ("line 12: two-open-ops: ..."). */
export function describeHistoryError(error: HistoryError): string {
  const where = error.line > 0 ? `line ${error.line}` : 'input';
  return `${where}: ${error.reason}: ${error.detail}`;
}
