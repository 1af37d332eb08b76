// @kvraft/persister-level: a durable Persister on LevelDB (classic-level): one synced write batch
// per group of saves, checksummed records, ordered entry keys, LevelDB's own process lock.
export type { LevelPersisterOptions } from './level-persister.ts';
export { LevelPersister, openLevelPersister, schemaVersion } from './level-persister.ts';
export type { PersistedRecord } from './persister-errors.ts';
export {
  PersisterCorruptionError,
  PersisterFailedError,
  PersisterLockedError,
  PersisterSchemaError,
} from './persister-errors.ts';
