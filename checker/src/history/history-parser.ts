// The shape every streaming history reader has (JSON Lines, Porcupine's log, Jepsen EDN), so the
// file reader can feed any of them chunk by chunk and watch the clock and the memory in between.

import type { HistoryError, HistoryResult } from './history-error.ts';

/** A streaming parser: push chunks, then end; the first error sticks and later input is ignored. */
export interface HistoryParser {
  /** Feeds a chunk of text; returns the first error seen so far, if any. */
  push(chunk: string): HistoryError | undefined;
  /** Ends the input and returns the history or the first error. */
  end(): HistoryResult;
  /** An estimate of the bytes the history read so far retains. */
  readonly bytes: number;
}
