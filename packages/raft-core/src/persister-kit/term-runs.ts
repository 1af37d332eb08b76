// The term of every retained log index, kept as runs (first index of each term) so a log of
// millions of entries in a handful of terms costs a handful of numbers. It answers one question
// after a truncation without new entries: which term the new last entry has.
import { assert } from '../assert.ts';
import type { PersistedState, PersistUpdate } from '../driver/ports.ts';
import type { LogPosition } from '../log-position.ts';
import type { LogIndex, Term } from '../types.ts';

/** Terms of a retained log, updated save by save. */
export class TermRuns {
  /** Ascending by index; runs[i].term < runs[i+1].term. */
  private runs: { index: LogIndex; term: Term }[] = [];
  private base: LogPosition = { index: 0, term: 0 };
  private lastIndex: LogIndex = 0;

  /** Builds the runs of a loaded store. */
  static of(state: PersistedState): TermRuns {
    const runs = new TermRuns();
    if (state.snapshot !== null) {
      runs.base = { index: state.snapshot.index, term: state.snapshot.term };
      runs.lastIndex = state.snapshot.index;
    }
    for (const entry of state.entries) runs.push(entry.index, entry.term);
    return runs;
  }

  /** The last retained position. */
  last(): LogPosition {
    return { index: this.lastIndex, term: this.termAt(this.lastIndex) };
  }

  /** Applies one update in the port's order: snapshot, truncation, entries. */
  apply(update: PersistUpdate): void {
    if (update.snapshot !== undefined) this.compact(update.snapshot);
    if (update.truncateFrom !== undefined) this.truncate(update.truncateFrom);
    for (const entry of update.entries ?? []) this.push(entry.index, entry.term);
  }

  private push(index: LogIndex, term: Term): void {
    assert(index === this.lastIndex + 1, `entry ${index} does not follow ${this.lastIndex}`);
    if (this.runs.at(-1)?.term !== term) this.runs.push({ index, term });
    this.lastIndex = index;
  }

  private compact(snapshot: LogPosition): void {
    this.base = { index: snapshot.index, term: snapshot.term };
    const kept = this.runs.filter(
      (_run, i) => (this.runs[i + 1]?.index ?? Number.POSITIVE_INFINITY) > snapshot.index + 1,
    );
    this.runs = kept.map((run) => ({
      index: Math.max(run.index, snapshot.index + 1),
      term: run.term,
    }));
    if (this.lastIndex <= snapshot.index) {
      this.runs = [];
      this.lastIndex = snapshot.index;
    }
  }

  private truncate(from: LogIndex): void {
    if (from > this.lastIndex) return;
    this.runs = this.runs.filter((run) => run.index < from);
    this.lastIndex = from - 1;
  }

  private termAt(index: LogIndex): Term {
    if (index <= this.base.index) return index === this.base.index ? this.base.term : 0;
    for (let i = this.runs.length - 1; i >= 0; i--) {
      if (this.runs[i]!.index <= index) return this.runs[i]!.term;
    }
    return this.base.term;
  }
}
