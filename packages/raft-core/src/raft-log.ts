// The Raft log as one node sees it: the compacted prefix (a snapshot), the retained entries in
// memory, and the cursors that say what is committed, persisted, handed to storage and applied.
// Pure bookkeeping: it never does I/O; the driver persists what `unstableEntries` returns.
import { assert } from './assert.ts';
import type { ConfigState } from './tracker/config.ts';
import type { Entry, LogIndex, Snapshot, Term } from './types.ts';

/** Where a follower's log disagrees with a leader's AppendEntries (Raft §5.3 fast backup). */
export interface ConflictHint {
  readonly conflictTerm: Term;
  readonly conflictIndex: LogIndex;
}

/** Options to restore a log from persisted state. */
export interface RaftLogInit {
  readonly snapshot: Snapshot | null;
  readonly entries: readonly Entry[];
  readonly commitIndex: LogIndex;
}

/** One node's log with its commit, persistence and apply cursors. */
export class RaftLog {
  /** The newest snapshot, kept to serve InstallSnapshot; null before the first one. */
  snapshot: Snapshot | null;
  snapshotIndex: LogIndex;
  snapshotTerm: Term;
  /** Retained entries; entries[i].index === snapshotIndex + 1 + i. */
  private entries: Entry[];
  // Invariant: snapshotIndex <= appliedIndex <= commitIndex <= lastIndex().
  commitIndex: LogIndex;
  /** The highest index handed to the state machine (entries or a snapshot). */
  appliedIndex: LogIndex;
  /** The highest index known durable in this node's storage. */
  persistedIndex: LogIndex;
  /** The first index not yet handed to storage in a Ready. */
  unstableFrom: LogIndex;
  /** Entries at or above this index must be deleted from storage in the next Ready. */
  pendingTruncateFrom: LogIndex | null = null;
  /** A snapshot that storage has not been given yet (installed or taken locally). */
  pendingSnapshot: Snapshot | null = null;
  /** A snapshot from the leader that the state machine must install. */
  pendingApplySnapshot: Snapshot | null = null;

  constructor(init: RaftLogInit) {
    this.snapshot = init.snapshot;
    this.snapshotIndex = init.snapshot?.index ?? 0;
    this.snapshotTerm = init.snapshot?.term ?? 0;
    this.entries = [...init.entries];
    init.entries.forEach((entry, i) => {
      assert(entry.index === this.snapshotIndex + 1 + i, 'restored log is not contiguous');
    });
    this.commitIndex = Math.min(Math.max(init.commitIndex, this.snapshotIndex), this.lastIndex());
    this.appliedIndex = this.snapshotIndex;
    this.persistedIndex = this.lastIndex();
    this.unstableFrom = this.lastIndex() + 1;
  }

  /** Returns the first index still held as an entry (snapshotIndex + 1). */
  firstIndex(): LogIndex {
    return this.snapshotIndex + 1;
  }

  /** Returns the index of the last entry, or the snapshot index when the log is empty. */
  lastIndex(): LogIndex {
    return this.snapshotIndex + this.entries.length;
  }

  /** Returns the term of the last entry (or of the snapshot). */
  lastTerm(): Term {
    return this.term(this.lastIndex()) ?? 0;
  }

  /** Returns the term at `index`, or undefined when it is compacted away or beyond the end. */
  term(index: LogIndex): Term | undefined {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    if (index < this.snapshotIndex || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshotIndex - 1]!.term;
  }

  /** Returns the entry at `index`; it must be retained. */
  entry(index: LogIndex): Entry {
    const entry = this.entries[index - this.snapshotIndex - 1];
    assert(entry !== undefined && entry.index === index, `entry ${index} is not retained`);
    return entry;
  }

  /** Returns retained entries in [from, to], stopping early once `bytesMax` is reached. */
  slice(from: LogIndex, to: LogIndex, bytesMax = Number.POSITIVE_INFINITY): Entry[] {
    assert(from > this.snapshotIndex, `slice from ${from} reaches into the snapshot`);
    const out: Entry[] = [];
    let bytes = 0;
    for (let index = from; index <= Math.min(to, this.lastIndex()); index++) {
      const entry = this.entry(index);
      bytes += entry.data.length;
      if (out.length > 0 && bytes > bytesMax) break;
      out.push(entry);
    }
    return out;
  }

  /** Returns every retained entry (read-only view for inspection). */
  retained(): readonly Entry[] {
    return this.entries;
  }

  /** Whether a candidate's log is at least as up-to-date as this one (Raft §5.4.1). */
  isUpToDate(lastIndex: LogIndex, lastTerm: Term): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  /** Appends entries the leader created itself; they must follow the last index. */
  append(entry: Entry): void {
    assert(entry.index === this.lastIndex() + 1, 'leader append is not contiguous');
    this.entries.push(entry);
  }

  /**
   * Handles a leader's entries after prevLogIndex/prevLogTerm (Raft §5.3): returns the index of
   * the last entry now known to match the leader, or a conflict hint when the check fails.
   */
  maybeAppend(
    prevLogIndex: LogIndex,
    prevLogTerm: Term,
    entries: readonly Entry[],
  ): { ok: true; lastNewIndex: LogIndex } | ({ ok: false } & ConflictHint) {
    // Entries at or below the snapshot are committed, so they match the leader's (§5.4.3).
    const prevMatches =
      prevLogIndex < this.snapshotIndex || this.term(prevLogIndex) === prevLogTerm;
    if (!prevMatches) return { ok: false, ...this.conflictHint(prevLogIndex) };
    const lastNewIndex = prevLogIndex + entries.length;
    for (const entry of entries) {
      if (entry.index <= this.snapshotIndex) continue;
      const ourTerm = this.term(entry.index);
      if (ourTerm === entry.term) continue;
      if (ourTerm !== undefined) this.truncateFrom(entry.index);
      assert(entry.index === this.lastIndex() + 1, `entry ${entry.index} leaves a gap`);
      this.entries.push(entry);
    }
    return { ok: true, lastNewIndex: Math.max(lastNewIndex, this.snapshotIndex) };
  }

  private conflictHint(prevLogIndex: LogIndex): ConflictHint {
    if (prevLogIndex > this.lastIndex()) {
      return { conflictTerm: 0, conflictIndex: this.lastIndex() + 1 };
    }
    const conflictTerm = this.term(prevLogIndex)!;
    let conflictIndex = prevLogIndex;
    const floor = Math.max(this.firstIndex(), this.commitIndex + 1);
    while (conflictIndex > floor && this.term(conflictIndex - 1) === conflictTerm) conflictIndex--;
    return { conflictTerm, conflictIndex };
  }

  /** Returns the last index holding `term` at or below `from`, or undefined if there is none. */
  lastIndexOfTerm(term: Term, from: LogIndex): LogIndex | undefined {
    for (let index = Math.min(from, this.lastIndex()); index >= this.snapshotIndex; index--) {
      const t = this.term(index)!;
      if (t === term) return index;
      if (t < term) return undefined;
    }
    return undefined;
  }

  private truncateFrom(index: LogIndex): void {
    assert(index > this.commitIndex, `truncating committed entry ${index}`);
    assert(index > this.snapshotIndex, 'truncating into the snapshot');
    this.entries.length = index - this.snapshotIndex - 1;
    if (index < this.unstableFrom) {
      this.pendingTruncateFrom = Math.min(this.pendingTruncateFrom ?? index, index);
      this.unstableFrom = index;
    }
    this.persistedIndex = Math.min(this.persistedIndex, index - 1);
  }

  /** Raises commitIndex to `index` (never lowers it). */
  commitTo(index: LogIndex): void {
    if (index <= this.commitIndex) return;
    assert(index <= this.lastIndex(), `commit ${index} beyond last index ${this.lastIndex()}`);
    this.commitIndex = index;
  }

  /** Commits `index` if its entry is from `term` (Raft §5.4.2, Figure 8); returns whether it did. */
  maybeCommit(index: LogIndex, term: Term): boolean {
    if (index <= this.commitIndex || this.term(index) !== term) return false;
    this.commitTo(index);
    return true;
  }

  /** Discards entries up to `index` after the state machine snapshotted there under `config`. */
  compact(index: LogIndex, data: Uint8Array, config: ConfigState): void {
    assert(index <= this.appliedIndex, `snapshot at ${index} beyond applied ${this.appliedIndex}`);
    assert(
      index > this.snapshotIndex,
      `snapshot at ${index} is not newer than ${this.snapshotIndex}`,
    );
    const term = this.term(index)!;
    this.entries = this.entries.slice(index - this.snapshotIndex);
    this.snapshot = { index, term, data, config };
    this.snapshotIndex = index;
    this.snapshotTerm = term;
    this.pendingSnapshot = this.snapshot;
  }

  /** Replaces the log with a leader's snapshot (Raft §7); the caller checked it is newer. */
  restore(snapshot: Snapshot): void {
    assert(snapshot.index > this.commitIndex, 'restoring a snapshot that is not newer');
    this.entries = [];
    this.snapshot = snapshot;
    this.snapshotIndex = snapshot.index;
    this.snapshotTerm = snapshot.term;
    this.commitIndex = snapshot.index;
    this.persistedIndex = snapshot.index;
    this.unstableFrom = snapshot.index + 1;
    // Storage may still hold conflicting entries past the snapshot: drop them with it.
    this.pendingTruncateFrom = snapshot.index + 1;
    this.pendingSnapshot = snapshot;
    this.pendingApplySnapshot = snapshot;
  }

  /** Entries not yet handed to storage. */
  unstableEntries(): Entry[] {
    if (this.unstableFrom > this.lastIndex()) return [];
    return this.slice(this.unstableFrom, this.lastIndex());
  }

  /** Committed, locally durable entries not yet handed to the state machine. */
  applicableEntries(): Entry[] {
    const to = Math.min(this.commitIndex, this.persistedIndex);
    if (this.pendingApplySnapshot !== null || to <= this.appliedIndex) return [];
    return this.slice(this.appliedIndex + 1, to);
  }

  /** Records that storage durably holds the log up to (index, term), if that entry still exists. */
  stableTo(index: LogIndex, term: Term): void {
    if (this.term(index) === term && index > this.persistedIndex) this.persistedIndex = index;
  }
}
