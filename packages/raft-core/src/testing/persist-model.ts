// A reference model of the Persister port: the state every adapter must load after a sequence of
// saves. It is written independently of every adapter on purpose, so it can judge all of them.
// Invariant: `entries` are consecutive and start at `snapshot.index + 1` (or 1); a rejected
// update leaves the model untouched (validate everything, then mutate).
import { assert } from '../assert.ts';
import type { PersistedState, PersistUpdate } from '../driver/ports.ts';
import { configKey } from '../tracker/config.ts';
import type { Entry, HardState, LogIndex, Snapshot } from '../types.ts';
import { emptyHardState, entryBytes, hardStateBytes } from '../types.ts';

/** The plain-data state of a store according to the port's semantics. */
export class PersistModel {
  hardState: HardState = emptyHardState;
  snapshot: Snapshot | null = null;
  // Invariant: consecutive, first index === snapshotIndex() + 1.
  entries: Entry[] = [];
  // Invariant: hardStateBytes + Σ entryBytes(entries).
  raftStateSize: number = hardStateBytes;

  /** Returns the index the snapshot covers, or 0 without one. */
  snapshotIndex(): LogIndex {
    return this.snapshot === null ? 0 : this.snapshot.index;
  }

  /** Returns the last retained index: the last entry's, else the snapshot's, else 0. */
  lastIndex(): LogIndex {
    const last = this.entries[this.entries.length - 1];
    return last === undefined ? this.snapshotIndex() : last.index;
  }

  /** Returns `snapshot.data.length`, or 0 without a snapshot. */
  snapshotSize(): number {
    return this.snapshot === null ? 0 : this.snapshot.data.length;
  }

  /** Applies one update with the port's semantics; throws AssertionError (model unchanged) if invalid. */
  apply(update: PersistUpdate): void {
    validatePersistUpdate(update, this.snapshotIndex(), this.lastIndex());
    if (update.snapshot !== undefined) {
      const index = update.snapshot.index;
      this.snapshot = update.snapshot;
      this.entries = this.entries.filter((entry) => entry.index > index);
    }
    if (update.truncateFrom !== undefined) {
      const from = update.truncateFrom;
      this.entries = this.entries.filter((entry) => entry.index < from);
    }
    if (update.entries !== undefined) this.entries.push(...update.entries);
    if (update.hardState !== undefined) this.hardState = update.hardState;
    this.raftStateSize = this.entries.reduce(
      (sum, entry) => sum + entryBytes(entry),
      hardStateBytes,
    );
  }

  /** Returns what `load()` must return for this model (shares the model's arrays: do not mutate). */
  state(): PersistedState {
    return { hardState: this.hardState, snapshot: this.snapshot, entries: this.entries };
  }

  /** Returns an independent copy (entries and snapshots are immutable, so they are shared). */
  clone(): PersistModel {
    const copy = new PersistModel();
    copy.hardState = this.hardState;
    copy.snapshot = this.snapshot;
    copy.entries = [...this.entries];
    copy.raftStateSize = this.raftStateSize;
    return copy;
  }
}

/**
 * Checks an update against the port's rules given the store's snapshot and last index; throws
 * AssertionError naming the broken rule. Rules: a snapshot never goes backwards; truncateFrom is
 * above the (new) snapshot index; entries are consecutive and follow the last retained index.
 */
export function validatePersistUpdate(
  update: PersistUpdate,
  snapshotIndex: LogIndex,
  lastIndex: LogIndex,
): void {
  if (update.snapshot !== undefined) {
    const snapshot = update.snapshot;
    assert(isIndex(snapshot.index) && isIndex(snapshot.term), 'snapshot index/term not valid');
    assert(
      snapshot.index >= snapshotIndex,
      `snapshot at ${snapshot.index} is older than the persisted one at ${snapshotIndex}`,
    );
    snapshotIndex = snapshot.index;
    lastIndex = Math.max(lastIndex, snapshot.index);
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
      `entry ${entry.index} kind`,
    );
    assert(
      entry.index === lastIndex + 1,
      `entry ${entry.index} does not follow the last retained index ${lastIndex}`,
    );
    lastIndex = entry.index;
  }
  const hardState = update.hardState;
  if (hardState !== undefined) {
    assert(isIndex(hardState.term) && isIndex(hardState.commitIndex), 'hard state not valid');
    assert(hardState.votedFor === null || isIndex(hardState.votedFor), 'votedFor not valid');
  }
}

/** Describes the first difference between two persisted states, or returns null when equal. */
export function diffPersistedState(
  actual: PersistedState,
  expected: PersistedState,
): string | null {
  const hs = (h: HardState): string => `${h.term}/${h.votedFor}/${h.commitIndex}`;
  if (hs(actual.hardState) !== hs(expected.hardState)) {
    return `hardState ${hs(actual.hardState)} !== expected ${hs(expected.hardState)}`;
  }
  const snapshotDiff = diffSnapshot(actual.snapshot, expected.snapshot);
  if (snapshotDiff !== null) return snapshotDiff;
  if (actual.entries.length !== expected.entries.length) {
    return `${actual.entries.length} entries !== expected ${expected.entries.length}`;
  }
  for (let i = 0; i < actual.entries.length; i++) {
    const a = actual.entries[i]!;
    const e = expected.entries[i]!;
    if (
      a.index !== e.index ||
      a.term !== e.term ||
      a.kind !== e.kind ||
      !sameBytes(a.data, e.data)
    ) {
      return `entry #${i}: ${a.index}/${a.term}/${a.kind}/${a.data.length}B !== expected ${e.index}/${e.term}/${e.kind}/${e.data.length}B`;
    }
  }
  return null;
}

function diffSnapshot(actual: Snapshot | null, expected: Snapshot | null): string | null {
  if (actual === null || expected === null) {
    return actual === expected
      ? null
      : `snapshot ${describe(actual)} !== expected ${describe(expected)}`;
  }
  if (actual.index !== expected.index || actual.term !== expected.term) {
    return `snapshot ${describe(actual)} !== expected ${describe(expected)}`;
  }
  const config = (s: Snapshot) => (s.config === undefined ? 'none' : configKey(s.config));
  if (config(actual) !== config(expected)) {
    return `snapshot config ${config(actual)} !== expected ${config(expected)}`;
  }
  return sameBytes(actual.data, expected.data) ? null : `snapshot data differs at ${actual.index}`;
}

function describe(snapshot: Snapshot | null): string {
  return snapshot === null ? 'none' : `${snapshot.index}/${snapshot.term}/${snapshot.data.length}B`;
}

/** Returns whether two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isIndex(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
