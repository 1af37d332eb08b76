// LevelPersister: the Persister port on LevelDB (classic-level). Each group-committed batch of
// saves is one LevelDB write batch with `sync: true` (fsync of the log before it resolves).
// LevelDB's LOCK file refuses a second process. Large discarded prefixes are compacted away.
// The shared skeleton (validation, group commit, sizes, fail-stop) is DurablePersister.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PersistedState } from '@kvraft/raft-core';
import {
  DurablePersister,
  PersisterCorruptionError,
  PersisterLockedError,
  PersisterSchemaError,
  type QueuedSave,
} from '@kvraft/raft-core/persister-kit';
import { ClassicLevel } from 'classic-level';
import {
  encodeEntryValue,
  encodeHardStateValue,
  encodeSnapshotValue,
  entryKey,
  hardStateKey,
  metaKey,
  snapshotKey,
} from './level-keys.ts';
import { type LevelStore, readLevelState } from './level-load.ts';

/** The schema version this code writes and reads. */
export const schemaVersion = 1;

/** Options of openLevelPersister; every field but `dir` has a default. */
export interface LevelPersisterOptions {
  /** The LevelDB directory of this store. */
  readonly dir: string;
  /** Most saves one write batch may carry (default 1024). */
  readonly groupCommitSavesMax?: number;
  /** Entries a snapshot must discard to trigger compactRange over them (default 4096). */
  readonly compactEntriesMin?: number;
}

type BatchOp =
  | { type: 'put'; key: Uint8Array; value: Uint8Array }
  | { type: 'del'; key: Uint8Array };

/** Opens (creating if needed) the store, verifies every record and holds LevelDB's lock. */
export async function openLevelPersister(options: LevelPersisterOptions): Promise<LevelPersister> {
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const db: LevelStore = new ClassicLevel<Uint8Array, Uint8Array>(dir, {
    keyEncoding: 'view',
    valueEncoding: 'view',
  });
  try {
    await db.open();
    await ensureSchema(db, dir);
    const state = await readLevelState(db, dir);
    return new LevelPersister(db, dir, state, options);
  } catch (error) {
    if (db.status === 'open') await db.close();
    throw translateOpenError(error, dir);
  }
}

async function ensureSchema(db: LevelStore, dir: string): Promise<void> {
  const version = await db.get(metaKey);
  if (version === undefined) {
    const empty = (await db.keys({ limit: 1 }).all()).length === 0;
    if (!empty) throw new PersisterSchemaError(dir, 'none', schemaVersion);
    await db.put(metaKey, new TextEncoder().encode(String(schemaVersion)), { sync: true });
    return;
  }
  const found = new TextDecoder().decode(version);
  if (found !== String(schemaVersion)) throw new PersisterSchemaError(dir, found, schemaVersion);
}

function translateOpenError(error: unknown, dir: string): unknown {
  const codes = [error, (error as { cause?: unknown }).cause].map(
    (e) => (e as { code?: unknown })?.code,
  );
  if (codes.includes('LEVEL_LOCKED')) return new PersisterLockedError(dir, { cause: error });
  if (codes.includes('LEVEL_CORRUPTION')) {
    const detail = `LevelDB reports ${String((error as Error).message)}`;
    return new PersisterCorruptionError({
      store: dir,
      record: 'file',
      index: null,
      detail,
      cause: error,
    });
  }
  return error;
}

/** A durable Persister on LevelDB; create it with openLevelPersister. */
export class LevelPersister extends DurablePersister {
  /** The LevelDB directory. */
  readonly dir: string;
  private readonly db: LevelStore;
  private readonly compactEntriesMin: number;
  // Compactions run behind the saves; close() waits for them.
  private compaction: Promise<void> = Promise.resolve();

  /** Wraps an opened, verified database; use openLevelPersister instead. */
  constructor(db: LevelStore, dir: string, state: PersistedState, options: LevelPersisterOptions) {
    super(dir, state, options);
    this.db = db;
    this.dir = dir;
    this.compactEntriesMin = options.compactEntriesMin ?? 4096;
  }

  protected override readState(): Promise<PersistedState> {
    return readLevelState(this.db, this.dir);
  }

  protected override async writeSaves(saves: readonly QueuedSave[]): Promise<void> {
    const ops: BatchOp[] = [];
    let discarded = 0;
    for (const save of saves) discarded += appendOps(ops, save);
    await this.db.batch(ops, { sync: true });
    if (discarded >= this.compactEntriesMin) {
      // Deleted keys leave tombstones; compacting the discarded range frees their space now
      // instead of whenever LevelDB's own compaction reaches that level.
      const through = this.ledger.snapshotIndex;
      this.compaction = this.compaction.then(() =>
        this.db.compactRange(entryKey(0), entryKey(through + 1)).catch(() => undefined),
      );
    }
  }

  protected override async closeStore(): Promise<void> {
    await this.compaction;
    await this.db.close();
  }
}

/** Adds the batch operations of one save; returns how many entries its snapshot discarded. */
function appendOps(ops: BatchOp[], { update, step }: QueuedSave): number {
  let discarded = 0;
  if (update.snapshot !== undefined) {
    ops.push({ type: 'put', key: snapshotKey, value: encodeSnapshotValue(update.snapshot) });
    const range = step.snapshotDiscard;
    if (range !== undefined) {
      for (let i = range.fromIndex; i <= range.throughIndex; i++)
        ops.push({ type: 'del', key: entryKey(i) });
      discarded = range.throughIndex - range.fromIndex + 1;
    }
  }
  const truncated = step.truncateDiscard;
  if (truncated !== undefined) {
    for (let i = truncated.fromIndex; i <= truncated.throughIndex; i++)
      ops.push({ type: 'del', key: entryKey(i) });
  }
  for (const entry of update.entries ?? []) {
    ops.push({ type: 'put', key: entryKey(entry.index), value: encodeEntryValue(entry) });
  }
  if (update.hardState !== undefined) {
    ops.push({ type: 'put', key: hardStateKey, value: encodeHardStateValue(update.hardState) });
  }
  return discarded;
}
