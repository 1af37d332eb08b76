// A place in the log named by its index and term, ordered as Raft §5.4.1 orders logs by their
// last entries: the later term wins, and within a term the longer log.
import type { Entry, LogIndex, Snapshot, Term } from './types.ts';

/** An entry's index and term; (0, 0) is the empty log. */
export interface LogPosition {
  readonly index: LogIndex;
  readonly term: Term;
}

/** The empty log's position. */
export const logStart: LogPosition = { index: 0, term: 0 };

/** Negative, zero or positive as `a` is behind, equal to or ahead of `b` in log order. */
export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  return a.term === b.term ? a.index - b.index : a.term - b.term;
}

/** The later of two positions in log order. */
export function laterLogPosition(a: LogPosition, b: LogPosition): LogPosition {
  return compareLogPositions(a, b) >= 0 ? a : b;
}

/** The position of a stored log's last entry (the snapshot's when no entry is retained). */
export function lastLogPosition(snapshot: Snapshot | null, entries: readonly Entry[]): LogPosition {
  const last = entries.at(-1);
  if (last !== undefined) return { index: last.index, term: last.term };
  return snapshot === null ? logStart : { index: snapshot.index, term: snapshot.term };
}

/** `index:term`, as log lines and errors print a position. */
export function formatLogPosition(position: LogPosition): string {
  return `index ${position.index} term ${position.term}`;
}
