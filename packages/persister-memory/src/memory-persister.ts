// MemoryPersister: the Persister port held in process memory, with the original lab persister's
// copy-on-crash semantics for the simulator. Deterministic zone: no node:*, timers, clocks or
// randomness; the only asynchrony is the injected `saveDelay`.
// Invariant: `entries` are consecutive from `snapshotIndex + 1`; they hold only what finished
// saving, so `copy()` is exactly the durable state (an in-flight save is lost by a crash).
import type {
  Entry,
  HardState,
  LogIndex,
  PersistedState,
  Persister,
  PersistUpdate,
  Snapshot,
} from '@kvraft/raft-core';
import { assert, emptyHardState, entryBytes, hardStateBytes } from '@kvraft/raft-core';

/** Options of a MemoryPersister. */
export interface MemoryPersisterOptions {
  /** Awaited before each save is applied (simulated disk latency); a copy taken meanwhile lacks it. */
  readonly saveDelay?: () => Promise<void>;
}

/** The durable contents of a MemoryPersister; entries and snapshot data are never mutated in place. */
interface MemoryContents {
  hardState: HardState;
  snapshot: Snapshot | null;
  entries: Entry[];
  // Invariant: hardStateBytes + Σ entryBytes(entries).
  raftStateSize: number;
}

/** A Persister in memory: fast, deterministic, and lost entirely when the process dies. */
export class MemoryPersister implements Persister {
  private contents: MemoryContents;
  private readonly saveDelay: (() => Promise<void>) | undefined;
  // Serialises saves so each is applied in call order, whatever the delays do.
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  /** Creates an empty store. */
  constructor(options: MemoryPersisterOptions = {}) {
    this.saveDelay = options.saveDelay;
    this.contents = {
      hardState: emptyHardState,
      snapshot: null,
      entries: [],
      raftStateSize: hardStateBytes,
    };
  }

  /** Returns a new store holding exactly what this one has durably saved (allowed after close). */
  copy(options: MemoryPersisterOptions = {}): MemoryPersister {
    const copy = new MemoryPersister(options);
    // Stored entries and snapshots are never mutated (only the array is), so sharing them and
    // copying the array is a deep copy in effect.
    copy.contents = { ...this.contents, entries: [...this.contents.entries] };
    return copy;
  }

  /** Returns copies of everything saved so far. */
  async load(): Promise<PersistedState> {
    this.assertOpen();
    const { hardState, snapshot, entries } = this.contents;
    return {
      hardState,
      snapshot: snapshot === null ? null : { ...snapshot, data: snapshot.data.slice() },
      entries: entries.map((entry) => ({ ...entry, data: entry.data.slice() })),
    };
  }

  /** Applies `update` after the save delay, in call order; rejects with AssertionError if invalid. */
  save(update: PersistUpdate): Promise<void> {
    this.assertOpen();
    const own = cloneUpdate(update);
    const done = this.tail.then(async () => {
      if (this.saveDelay !== undefined) await this.saveDelay();
      this.apply(own);
    });
    this.tail = done.catch(() => undefined);
    return done;
  }

  /** Returns hardStateBytes plus entryBytes of every retained entry. */
  raftStateSize(): number {
    return this.contents.raftStateSize;
  }

  /** Returns the snapshot's data length, or 0 without one. */
  snapshotSize(): number {
    return this.contents.snapshot === null ? 0 : this.contents.snapshot.data.length;
  }

  /** Waits for saves in flight, then refuses further calls (copy() still works). */
  async close(): Promise<void> {
    this.assertOpen();
    this.closed = true;
    await this.tail;
  }

  private assertOpen(): void {
    assert(!this.closed, 'MemoryPersister used after close');
  }

  private apply(update: PersistUpdate): void {
    const contents = this.contents;
    let snapshotIndex: LogIndex = contents.snapshot === null ? 0 : contents.snapshot.index;
    let lastIndex = lastIndexOf(contents.entries, snapshotIndex);
    // Validate everything first, so a rejected update leaves the store unchanged.
    if (update.snapshot !== undefined) {
      const index = update.snapshot.index;
      assert(
        index >= snapshotIndex,
        `snapshot at ${index} is older than the one at ${snapshotIndex}`,
      );
      snapshotIndex = index;
      lastIndex = Math.max(lastIndex, index);
    }
    if (update.truncateFrom !== undefined) {
      const from = update.truncateFrom;
      assert(
        from > snapshotIndex,
        `truncateFrom ${from} is at or below the snapshot ${snapshotIndex}`,
      );
      lastIndex = Math.min(lastIndex, from - 1);
    }
    for (const entry of update.entries ?? []) {
      assert(entry.index === lastIndex + 1, `entry ${entry.index} does not follow ${lastIndex}`);
      lastIndex = entry.index;
    }
    if (update.snapshot !== undefined) {
      contents.snapshot = update.snapshot;
      this.discardPrefix(update.snapshot.index);
    }
    if (update.truncateFrom !== undefined) this.discardSuffix(update.truncateFrom);
    for (const entry of update.entries ?? []) {
      contents.entries.push(entry);
      contents.raftStateSize += entryBytes(entry);
    }
    if (update.hardState !== undefined) contents.hardState = update.hardState;
  }

  private discardPrefix(throughIndex: LogIndex): void {
    const entries = this.contents.entries;
    let count = 0;
    while (count < entries.length && entries[count]!.index <= throughIndex) {
      this.contents.raftStateSize -= entryBytes(entries[count]!);
      count++;
    }
    entries.splice(0, count);
  }

  private discardSuffix(fromIndex: LogIndex): void {
    const entries = this.contents.entries;
    while (entries.length > 0 && entries[entries.length - 1]!.index >= fromIndex) {
      this.contents.raftStateSize -= entryBytes(entries.pop()!);
    }
  }
}

function lastIndexOf(entries: readonly Entry[], snapshotIndex: LogIndex): LogIndex {
  const last = entries[entries.length - 1];
  return last === undefined ? snapshotIndex : last.index;
}

function cloneUpdate(update: PersistUpdate): PersistUpdate {
  // The caller may reuse its buffers after save() returns; the store keeps its own bytes.
  const { hardState, snapshot, truncateFrom, entries } = update;
  return {
    ...(hardState === undefined ? {} : { hardState: { ...hardState } }),
    ...(snapshot === undefined ? {} : { snapshot: { ...snapshot, data: snapshot.data.slice() } }),
    ...(truncateFrom === undefined ? {} : { truncateFrom }),
    ...(entries === undefined
      ? {}
      : { entries: entries.map((e) => ({ ...e, data: e.data.slice() })) }),
  };
}
