// @kvraft/persister-sqlite: a durable Persister on SQLite (better-sqlite3), WAL + synchronous=FULL,
// checksummed records, group commit, and an exclusive lock per store.
export type { PersistedRecord } from './persister-errors.ts';
export {
  PersisterCorruptionError,
  PersisterFailedError,
  PersisterLockedError,
  PersisterSchemaError,
} from './persister-errors.ts';
export type { SqliteLocation, SqlitePersisterOptions, SqliteTuning } from './sqlite-persister.ts';
export { openSqlitePersister, SqlitePersister, sqliteFileName } from './sqlite-persister.ts';
export { schemaVersion } from './sqlite-schema.ts';
