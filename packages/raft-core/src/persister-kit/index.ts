// @kvraft/raft-core/persister-kit: pure building blocks for durable Persister adapters, shared so
// every adapter reports the same sizes, the same typed errors and the same record checksums.

export {
  type AckWatermark,
  assessStore,
  type StoreAssessment,
  type WatermarkStore,
  watermarkOf,
} from './ack-watermark.ts';
export { crc32 } from './crc32.ts';
export {
  DurablePersister,
  type DurablePersisterOptions,
  type QueuedSave,
} from './durable-persister.ts';
export { type BatchWriter, GroupCommit, type GroupCommitOptions } from './group-commit.ts';
export { type LedgerStep, LogLedger } from './log-ledger.ts';
export { MemoryWatermarkStore } from './memory-watermark-store.ts';
export {
  type CorruptionDetails,
  type PersistedRecord,
  PersisterCorruptionError,
  PersisterFailedError,
  PersisterLockedError,
  PersisterSchemaError,
} from './persister-errors.ts';
export {
  encodeHardState,
  entryChecksum,
  hardStateChecksum,
  kindByte,
  kindOfByte,
  readUint64,
  snapshotChecksum,
  writeUint64,
} from './record-checksum.ts';
export { TermRuns } from './term-runs.ts';
export {
  WatermarkedPersister,
  type WatermarkedPersisterOptions,
} from './watermarked-persister.ts';
