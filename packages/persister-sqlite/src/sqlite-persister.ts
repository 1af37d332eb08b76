// SqlitePersister: the Persister port on one SQLite file (better-sqlite3) in WAL mode with
// synchronous=FULL, one transaction per group-committed batch of saves, and an exclusive lock
// held for the store's lifetime so a second process cannot open it.
// The shared skeleton (validation, group commit, sizes, fail-stop) is DurablePersister.
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { assert, encodeConfigState, type PersistedState } from '@kvraft/raft-core';
import {
  DurablePersister,
  entryChecksum,
  hardStateChecksum,
  kindByte,
  PersisterCorruptionError,
  PersisterLockedError,
  type QueuedSave,
  snapshotChecksum,
} from '@kvraft/raft-core/persister-kit';
import Database from 'better-sqlite3';
import { readSqliteState } from './sqlite-load.ts';
import { ensureSchema } from './sqlite-schema.ts';

/** Where the store lives: a directory (file `raft.sqlite` inside it) or an explicit file path. */
export type SqliteLocation = { readonly dir: string } | { readonly path: string };

/** Tuning of a SQLite persister; every field has a default. */
export interface SqliteTuning {
  /** Most saves one transaction may carry (default 1024). */
  readonly groupCommitSavesMax?: number;
  /** Free pages after a snapshot above which the file is shrunk by incremental vacuum (default 256). */
  readonly vacuumFreePagesMin?: number;
}

/** Options of openSqlitePersister. */
export type SqlitePersisterOptions = SqliteLocation & SqliteTuning;

/** The file name used inside `dir`. */
export const sqliteFileName = 'raft.sqlite';

type SqliteStatement = 'putHardState' | 'putSnapshot' | 'deleteThrough' | 'deleteFrom' | 'putEntry';

/** Opens (creating if needed) the store, verifies every record and takes the exclusive lock. */
export async function openSqlitePersister(
  options: SqlitePersisterOptions,
): Promise<SqlitePersister> {
  const path = resolve('dir' in options ? join(options.dir, sqliteFileName) : options.path);
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
    const where = `${dirname(path)} (or a parent) is a file, not a directory`;
    throw new Error(`cannot open SQLite store ${path}: ${where}`, { cause: error });
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: 0 });
    configure(db, path);
    const state = readSqliteState(db, path);
    return new SqlitePersister(db, path, state, options);
  } catch (error) {
    db?.close();
    throw translateOpenError(error, path);
  }
}

function configure(db: Database.Database, path: string): void {
  // Exclusive locking mode: the lock taken by the first write below is held until close, so
  // another process gets SQLITE_BUSY. It also keeps the WAL index in heap memory (no -shm file).
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('auto_vacuum = INCREMENTAL');
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  assert(mode === 'wal', `could not switch ${path} to WAL (got ${String(mode)})`);
  // FULL, not NORMAL: in WAL mode NORMAL does not fsync the WAL on commit, so a power loss can
  // drop the last acknowledged transactions. FULL syncs the WAL at every commit.
  db.pragma('synchronous = FULL');
  db.pragma('journal_size_limit = 67108864');
  db.exec('BEGIN EXCLUSIVE');
  try {
    ensureSchema(db, path);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

function translateOpenError(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new PersisterLockedError(path, { cause: error });
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    const detail = `SQLite reports ${String((error as Error).message)}`;
    return new PersisterCorruptionError({
      store: path,
      record: 'file',
      index: null,
      detail,
      cause: error,
    });
  }
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  // SQLite says only "unable to open database file" or "disk I/O error"; say which it is.
  const unwritable = unwritableError(path);
  if (unwritable !== undefined) {
    const reason = `${unwritable.path} is not writable (${unwritable.message})`;
    return new Error(`cannot open SQLite store ${path}: ${reason}`, { cause: unwritable.error });
  }
  const reason = isDirectory(path)
    ? 'it is a directory'
    : `SQLite reports ${String((error as Error).message)} (${code})`;
  return new Error(`cannot open SQLite store ${path}: ${reason}`, { cause: error });
}

// The store needs its file and its directory writable (the WAL lives beside the file). The
// access error is kept as the cause, so its code (EROFS, EACCES) reaches the caller.
function unwritableError(
  path: string,
): { path: string; message: string; error: unknown } | undefined {
  for (const target of existsSync(path) ? [dirname(path), path] : [dirname(path)]) {
    try {
      accessSync(target, constants.W_OK);
    } catch (error) {
      // "EROFS: read-only file system, access '/x'": the path is said already.
      const message = String((error as Error).message).split(', access ')[0]!;
      return { path: target, message, error };
    }
  }
  return undefined;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A durable Persister on SQLite; create it with openSqlitePersister. */
export class SqlitePersister extends DurablePersister {
  /** The database file. */
  readonly path: string;
  private readonly db: Database.Database;
  private readonly vacuumFreePagesMin: number;
  private readonly statements: Record<SqliteStatement, Database.Statement>;
  private readonly writeBatch: (saves: readonly QueuedSave[]) => void;

  /** Wraps an opened, verified database; use openSqlitePersister instead. */
  constructor(db: Database.Database, path: string, state: PersistedState, tuning: SqliteTuning) {
    super(path, state, tuning);
    this.db = db;
    this.path = path;
    this.vacuumFreePagesMin = tuning.vacuumFreePagesMin ?? 256;
    this.statements = {
      putHardState: db.prepare(
        'INSERT OR REPLACE INTO hard_state (id, term, voted_for, commit_index, crc) VALUES (1, ?, ?, ?, ?)',
      ),
      putSnapshot: db.prepare(
        'INSERT OR REPLACE INTO snapshot (id, idx, term, data, config, crc) VALUES (1, ?, ?, ?, ?, ?)',
      ),
      deleteThrough: db.prepare('DELETE FROM entries WHERE idx <= ?'),
      deleteFrom: db.prepare('DELETE FROM entries WHERE idx >= ?'),
      putEntry: db.prepare(
        'INSERT INTO entries (idx, term, kind, data, crc) VALUES (?, ?, ?, ?, ?)',
      ),
    };
    this.writeBatch = db.transaction((saves: readonly QueuedSave[]) => {
      for (const save of saves) this.writeOne(save);
    });
  }

  protected override readState(): PersistedState {
    return readSqliteState(this.db, this.path);
  }

  protected override writeSaves(saves: readonly QueuedSave[]): void {
    this.writeBatch(saves);
    if (saves.some((save) => save.step.snapshotDiscard !== undefined)) this.maybeVacuum();
  }

  protected override closeStore(): void {
    this.db.close();
  }

  private writeOne({ update }: QueuedSave): void {
    const s = this.statements;
    if (update.snapshot !== undefined) {
      const { index, term, data } = update.snapshot;
      const config = update.snapshot.config && encodeConfigState(update.snapshot.config);
      const crc = snapshotChecksum(index, term, data, config);
      s.putSnapshot.run(index, term, data, config ?? null, crc);
      s.deleteThrough.run(index);
    }
    if (update.truncateFrom !== undefined) s.deleteFrom.run(update.truncateFrom);
    for (const entry of update.entries ?? []) {
      const { index, term, kind, data } = entry;
      s.putEntry.run(index, term, kindByte(kind), data, entryChecksum(index, term, kind, data));
    }
    const hardState = update.hardState;
    if (hardState !== undefined) {
      const { term, votedFor, commitIndex } = hardState;
      s.putHardState.run(term, votedFor, commitIndex, hardStateChecksum(hardState));
    }
  }

  private maybeVacuum(): void {
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    if (free >= this.vacuumFreePagesMin) this.db.pragma('incremental_vacuum');
  }
}
