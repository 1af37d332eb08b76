// LevelPersister: the Persister port on LevelDB (classic-level). Each group-committed batch of
// saves is one LevelDB write batch with `sync: true` (fsync of the log before it resolves).
// LevelDB's LOCK file refuses a second process. Large discarded prefixes are compacted away.
// The shared skeleton (validation, group commit, sizes, fail-stop) is DurablePersister.
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
  encodeSnapshotConfigValue,
  encodeSnapshotValue,
  entryKey,
  hardStateKey,
  metaKey,
  snapshotConfigKey,
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
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw notADirectory(dir, error);
  }
  refuseLostCurrent(dir);
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

// mkdir fails with EEXIST or ENOTDIR when a file sits where the store (or a parent) should be.
function notADirectory(dir: string, error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (code !== 'EEXIST' && code !== 'ENOTDIR') return error;
  return new Error(
    `cannot open LevelDB store ${dir}: it (or a parent) is a file, not a directory`,
    {
      cause: error,
    },
  );
}

// LevelDB finds its MANIFEST through CURRENT. Without CURRENT it does not refuse: it creates a
// new, empty database over the old files (and later deletes them as obsolete), so a node would
// start with nothing. A store that holds LevelDB's files but no CURRENT is refused here.
function refuseLostCurrent(dir: string): void {
  const names = readdirSync(dir);
  if (names.includes('CURRENT')) return;
  const held = names.filter((n) => /^MANIFEST-\d+$|^\d+\.(log|ldb|sst)$/.test(n));
  // LevelDB's very first open writes MANIFEST-000001 before CURRENT: a crash between the two
  // leaves a store that never held anything, which LevelDB may safely create again.
  if (held.length === 0 || (held.length === 1 && held[0] === 'MANIFEST-000001')) return;
  throw new PersisterCorruptionError({
    store: dir,
    record: 'file',
    index: null,
    detail: `${join(dir, 'CURRENT')} is missing though the store holds ${held.slice(0, 3).join(', ')}${held.length > 3 ? ', …' : ''} (LevelDB would start an empty store over them)`,
  });
}

// classic-level wraps every open failure as LEVEL_DATABASE_NOT_OPEN "Database failed to open";
// the reason (and the file) is only in its cause, so that is what the message carries.
function translateOpenError(error: unknown, dir: string): unknown {
  if (!(error instanceof Error)) return error;
  const wrapped = (error as { code?: unknown }).code === 'LEVEL_DATABASE_NOT_OPEN';
  const inner = (wrapped ? error.cause : error) as
    | { code?: unknown; message?: unknown }
    | undefined;
  const reason = String(inner?.message ?? error.message);
  if (inner?.code === 'LEVEL_LOCKED') return new PersisterLockedError(dir, { cause: error });
  // A file of the store that LevelDB needs is gone (its message names it): the store is damaged.
  const missing = inner?.code === 'LEVEL_IO_ERROR' && /No such file or directory/i.test(reason);
  if (inner?.code === 'LEVEL_CORRUPTION' || missing) {
    return new PersisterCorruptionError({
      store: dir,
      record: 'file',
      index: null,
      detail: `LevelDB reports ${reason}`,
      cause: error,
    });
  }
  if (!wrapped) return error;
  return new Error(`cannot open LevelDB store ${dir}: ${reason}`, { cause: error });
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
    const { snapshot } = update;
    ops.push({ type: 'put', key: snapshotKey, value: encodeSnapshotValue(snapshot) });
    if (snapshot.config === undefined) ops.push({ type: 'del', key: snapshotConfigKey });
    else {
      const value = encodeSnapshotConfigValue({ ...snapshot, config: snapshot.config });
      ops.push({ type: 'put', key: snapshotConfigKey, value });
    }
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
