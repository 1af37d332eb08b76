// @kvraft/persister-level: a durable Persister on LevelDB (classic-level): one synced write batch
// per group of saves, checksummed records, ordered entry keys, LevelDB's own process lock.

export type { PersistedRecord } from '@kvraft/raft-core/persister-kit';
export {
  PersisterCorruptionError,
  PersisterFailedError,
  PersisterLockedError,
  PersisterSchemaError,
} from '@kvraft/raft-core/persister-kit';
export type { LevelPersisterOptions } from './level-persister.ts';
export { LevelPersister, openLevelPersister, schemaVersion } from './level-persister.ts';
