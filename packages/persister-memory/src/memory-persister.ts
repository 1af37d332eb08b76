// MemoryPersister: the Persister port held in process memory, with the original lab persister's
// copy-on-crash semantics for the simulator. Deterministic zone: no node:*, timers, clocks or
// randomness; the only asynchrony is the injected `saveDelay`.
// Invariant: `entries` are consecutive from `snapshotIndex + 1`; they hold only what finished
// saving, so `copy()` is exactly the durable state (an in-flight save is lost by a crash).
import type {
  Entry,
  HardState,
  PersistedState,
  Persister,
  PersistUpdate,
  Snapshot,
} from '@kvraft/raft-core';
import { assert, emptyHardState } from '@kvraft/raft-core';
import { LogLedger } from '@kvraft/raft-core/persister-kit';

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
  /** Validates updates and tracks raftStateSize, exactly as the durable adapters do. */
  ledger: LogLedger;
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
      ledger: new LogLedger(),
    };
  }

  /** Returns a new store holding exactly what this one has durably saved (allowed after close). */
  copy(options: MemoryPersisterOptions = {}): MemoryPersister {
    const copy = new MemoryPersister(options);
    // Stored entries and snapshots are never mutated (only the array is), so sharing them and
    // copying the array is a deep copy in effect.
    const { snapshot, entries } = this.contents;
    copy.contents = {
      ...this.contents,
      entries: [...entries],
      ledger: LogLedger.fromLoaded(snapshot?.index ?? 0, snapshot?.data.length ?? 0, entries),
    };
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
    return this.contents.ledger.raftStateSize;
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
    // The ledger validates everything first; a rejected update leaves the store unchanged.
    contents.ledger.accept(update);
    if (update.snapshot !== undefined) {
      contents.snapshot = update.snapshot;
      const through = update.snapshot.index;
      contents.entries = contents.entries.filter((entry) => entry.index > through);
    }
    if (update.truncateFrom !== undefined) {
      const from = update.truncateFrom;
      contents.entries = contents.entries.filter((entry) => entry.index < from);
    }
    contents.entries.push(...(update.entries ?? []));
    if (update.hardState !== undefined) contents.hardState = update.hardState;
  }
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
