// @kvraft/persister-sqlite: a durable Persister on SQLite (better-sqlite3), WAL + synchronous=FULL,
// checksummed records, group commit, and an exclusive lock per store.
export type { PersistedRecord } from '@kvraft/raft-core/persister-kit';
export {
  PersisterCorruptionError,
  PersisterFailedError,
  PersisterLockedError,
  PersisterSchemaError,
} from '@kvraft/raft-core/persister-kit';
export type { SqliteLocation, SqlitePersisterOptions, SqliteTuning } from './sqlite-persister.ts';
export { openSqlitePersister, SqlitePersister, sqliteFileName } from './sqlite-persister.ts';
export { schemaVersion } from './sqlite-schema.ts';
