// LogLedger: what a durable persister must know about its log without reading it: the snapshot
// index, the byte size of each retained entry, and the resulting raftStateSize. It validates each
// update against the port's rules in call order, before any I/O.
// Invariant: raftStateSize === hardStateBytes + Σ entrySizes; entrySizes[i] is for index
// snapshotIndex + 1 + i; a rejected update leaves the ledger unchanged.
import { assert } from '../assert.ts';
import type { PersistUpdate } from '../driver/ports.ts';
import { type Entry, entryBytes, hardStateBytes, type LogIndex } from '../types.ts';

/** The deletions one accepted update implies, and the sizes once it is durable. */
export interface LedgerStep {
  /** Entries in [fromIndex, throughIndex] the snapshot discards (absent when none). */
  readonly snapshotDiscard?: { readonly fromIndex: LogIndex; readonly throughIndex: LogIndex };
  /** Entries in [fromIndex, throughIndex] the truncation discards (absent when none). */
  readonly truncateDiscard?: { readonly fromIndex: LogIndex; readonly throughIndex: LogIndex };
  readonly raftStateSize: number;
  readonly snapshotSize: number;
}

/** Tracks the shape and size of a persisted log incrementally. */
export class LogLedger {
  private snapshotIndexValue: LogIndex = 0;
  private snapshotSizeValue = 0;
  private entrySizes: number[] = [];
  private raftStateSizeValue = hardStateBytes;

  /** Builds the ledger of a loaded store. */
  static fromLoaded(
    snapshotIndex: LogIndex,
    snapshotSize: number,
    entries: readonly Entry[],
  ): LogLedger {
    const ledger = new LogLedger();
    ledger.snapshotIndexValue = snapshotIndex;
    ledger.snapshotSizeValue = snapshotSize;
    for (const entry of entries) ledger.push(entry);
    return ledger;
  }

  /** Returns the snapshot's index, or 0 without one. */
  get snapshotIndex(): LogIndex {
    return this.snapshotIndexValue;
  }

  /** Returns the last retained index (the snapshot's when the log is empty). */
  get lastIndex(): LogIndex {
    return this.snapshotIndexValue + this.entrySizes.length;
  }

  /** Returns hardStateBytes plus the sizes of every retained entry. */
  get raftStateSize(): number {
    return this.raftStateSizeValue;
  }

  /** Returns the snapshot's data size, or 0. */
  get snapshotSize(): number {
    return this.snapshotSizeValue;
  }

  /** Validates `update` (AssertionError if it breaks the port's rules), then records it. */
  accept(update: PersistUpdate): LedgerStep {
    validate(update, this.snapshotIndexValue, this.lastIndex);
    let snapshotDiscard: LedgerStep['snapshotDiscard'];
    let truncateDiscard: LedgerStep['truncateDiscard'];
    if (update.snapshot !== undefined) {
      const index = update.snapshot.index;
      const through = Math.min(index, this.lastIndex);
      if (through > this.snapshotIndexValue) {
        snapshotDiscard = { fromIndex: this.snapshotIndexValue + 1, throughIndex: through };
      }
      this.dropFirst(through - this.snapshotIndexValue);
      this.snapshotIndexValue = index;
      this.snapshotSizeValue = update.snapshot.data.length;
    }
    const from = update.truncateFrom;
    if (from !== undefined && from <= this.lastIndex) {
      truncateDiscard = { fromIndex: from, throughIndex: this.lastIndex };
      this.dropLast(this.lastIndex - from + 1);
    }
    for (const entry of update.entries ?? []) this.push(entry);
    return {
      ...(snapshotDiscard === undefined ? {} : { snapshotDiscard }),
      ...(truncateDiscard === undefined ? {} : { truncateDiscard }),
      raftStateSize: this.raftStateSizeValue,
      snapshotSize: this.snapshotSizeValue,
    };
  }

  private push(entry: Entry): void {
    const size = entryBytes(entry);
    this.entrySizes.push(size);
    this.raftStateSizeValue += size;
  }

  private dropFirst(count: number): void {
    for (let i = 0; i < count; i++) this.raftStateSizeValue -= this.entrySizes[i]!;
    this.entrySizes.splice(0, count);
  }

  private dropLast(count: number): void {
    for (let i = 0; i < count; i++) this.raftStateSizeValue -= this.entrySizes.pop()!;
  }
}

function validate(update: PersistUpdate, snapshotIndex: LogIndex, lastIndex: LogIndex): void {
  if (update.snapshot !== undefined) {
    const index = update.snapshot.index;
    assert(isIndex(index) && isIndex(update.snapshot.term), 'snapshot index/term not valid');
    assert(
      index >= snapshotIndex,
      `snapshot at ${index} is older than the one at ${snapshotIndex}`,
    );
    snapshotIndex = index;
    lastIndex = Math.max(lastIndex, index);
  }
  if (update.truncateFrom !== undefined) {
    const from = update.truncateFrom;
    assert(isIndex(from), `truncateFrom ${from} is not an index`);
    assert(
      from > snapshotIndex,
      `truncateFrom ${from} is at or below the snapshot ${snapshotIndex}`,
    );
    lastIndex = Math.min(lastIndex, from - 1);
  }
  for (const entry of update.entries ?? []) {
    assert(isIndex(entry.term), `entry ${entry.index} has an invalid term`);
    assert(
      entry.kind === 'command' || entry.kind === 'noop' || entry.kind === 'config',
      `entry ${entry.index} has a bad kind`,
    );
    assert(entry.index === lastIndex + 1, `entry ${entry.index} does not follow ${lastIndex}`);
    lastIndex = entry.index;
  }
  const hardState = update.hardState;
  if (hardState !== undefined) {
    assert(isIndex(hardState.term) && isIndex(hardState.commitIndex), 'hard state not valid');
    assert(hardState.votedFor === null || isIndex(hardState.votedFor), 'votedFor not valid');
  }
}

function isIndex(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
