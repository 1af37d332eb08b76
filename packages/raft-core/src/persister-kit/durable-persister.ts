// DurablePersister: the skeleton every durable adapter shares. It validates each save against the
// ledger before any I/O, queues it for group commit, publishes sizes only once a write is
// durable, and fails stop after a write error. An adapter supplies three things: how to read the
// store, how to write one batch of saves durably, and how to close.
// Invariant: raftStateSize()/snapshotSize() describe exactly what the last durable write left.
import { assert } from '../assert.ts';
import type { PersistedState, Persister, PersistUpdate } from '../driver/ports.ts';
import { GroupCommit } from './group-commit.ts';
import { type LedgerStep, LogLedger } from './log-ledger.ts';
import { PersisterFailedError } from './persister-errors.ts';

/** One accepted save and what it does to the log, as handed to `writeSaves`. */
export interface QueuedSave {
  readonly update: PersistUpdate;
  readonly step: LedgerStep;
}

/** Options shared by durable adapters. */
export interface DurablePersisterOptions {
  /** Most saves one durable write may carry (default 1024). */
  readonly groupCommitSavesMax?: number;
}

/** Base class of durable Persister adapters: ledger validation, group commit, fail-stop. */
export abstract class DurablePersister implements Persister {
  /** The ledger of what is (or is about to be) persisted; adapters read it, never write it. */
  protected readonly ledger: LogLedger;
  private readonly commits: GroupCommit<QueuedSave>;
  private loaded: PersistedState | null;
  private durableRaftStateSize: number;
  private durableSnapshotSize: number;
  private closed = false;

  /** Wraps a store whose verified contents are `state`; `store` names it in errors. */
  constructor(
    readonly store: string,
    state: PersistedState,
    options: DurablePersisterOptions,
  ) {
    this.loaded = state;
    this.ledger = LogLedger.fromLoaded(
      state.snapshot?.index ?? 0,
      state.snapshot?.data.length ?? 0,
      state.entries,
    );
    this.durableRaftStateSize = this.ledger.raftStateSize;
    this.durableSnapshotSize = this.ledger.snapshotSize;
    this.commits = new GroupCommit<QueuedSave>((saves) => this.commit(saves), {
      batchItemsMax: options.groupCommitSavesMax ?? 1024,
      failure: (cause) => new PersisterFailedError(store, { cause }),
    });
  }

  /** Reads every record of the store again, verifying checksums. */
  protected abstract readState(): Promise<PersistedState> | PersistedState;
  /** Writes `saves`, in order, as one atomic unit that is durable when it returns or resolves. */
  protected abstract writeSaves(saves: readonly QueuedSave[]): Promise<void> | void;
  /** Releases the underlying store and its lock; called once, after queued saves finished. */
  protected abstract closeStore(): Promise<void> | void;

  /** Returns the state verified at open (first call), or reads it again. */
  async load(): Promise<PersistedState> {
    this.assertOpen();
    const state = this.loaded ?? (await this.readState());
    this.loaded = null;
    return state;
  }

  /** Validates the update now (AssertionError), then resolves once its batch is durable. */
  save(update: PersistUpdate): Promise<void> {
    this.assertOpen();
    this.loaded = null;
    let step: LedgerStep;
    try {
      step = this.ledger.accept(update);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.commits.submit({ update, step });
  }

  /** Returns hardStateBytes plus entryBytes of every durably retained entry. */
  raftStateSize(): number {
    return this.durableRaftStateSize;
  }

  /** Returns the durable snapshot's data size, or 0. */
  snapshotSize(): number {
    return this.durableSnapshotSize;
  }

  /** Waits for queued saves, then closes the store and releases its lock. */
  async close(): Promise<void> {
    this.assertOpen();
    this.closed = true;
    await this.commits.drain();
    await this.closeStore();
  }

  private assertOpen(): void {
    assert(!this.closed, `persister ${this.store} used after close`);
  }

  private async commit(saves: readonly QueuedSave[]): Promise<void> {
    await this.writeSaves(saves);
    const last = saves[saves.length - 1]!;
    this.durableRaftStateSize = last.step.raftStateSize;
    this.durableSnapshotSize = last.step.snapshotSize;
  }
}
