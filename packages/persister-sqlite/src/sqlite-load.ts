// Reads and verifies a whole SQLite store on open: every record's checksum, the log's
// contiguity after the snapshot, and the entry kinds. Never skips a bad record.
import type { Entry, HardState, PersistedState, Snapshot } from '@kvraft/raft-core';
import { decodeConfigState, emptyHardState } from '@kvraft/raft-core';
import {
  entryChecksum,
  hardStateChecksum,
  kindOfByte,
  PersisterCorruptionError,
  snapshotChecksum,
} from '@kvraft/raft-core/persister-kit';
import type Database from 'better-sqlite3';

interface HardStateRow {
  term: number;
  voted_for: number | null;
  commit_index: number;
  crc: number;
}
interface SnapshotRow {
  idx: number;
  term: number;
  data: Buffer;
  crc: number;
  config: Buffer | null;
}
interface EntryRow {
  idx: number;
  term: number;
  kind: number;
  data: Buffer;
  crc: number;
}

/** Reads the store, throwing PersisterCorruptionError (naming `store` and the index) on damage. */
export function readSqliteState(db: Database.Database, store: string): PersistedState {
  const hardState = readHardState(db, store);
  const snapshot = readSnapshot(db, store);
  const entries: Entry[] = [];
  let expected = (snapshot?.index ?? 0) + 1;
  for (const row of db
    .prepare('SELECT idx, term, kind, data, crc FROM entries ORDER BY idx')
    .iterate()) {
    const { idx, term, kind, data, crc } = row as EntryRow;
    const corrupt = (detail: string): PersisterCorruptionError =>
      new PersisterCorruptionError({ store, record: 'entry', index: idx, detail });
    if (idx !== expected) throw corrupt(`expected index ${expected} (a record is missing)`);
    const entryKind = kindOfByte(kind);
    if (entryKind === undefined) throw corrupt(`unknown kind ${kind}`);
    const bytes = view(data);
    if (entryChecksum(idx, term, entryKind, bytes) !== crc) throw corrupt('checksum mismatch');
    entries.push({ index: idx, term, kind: entryKind, data: bytes });
    expected++;
  }
  return { hardState, snapshot, entries };
}

function readHardState(db: Database.Database, store: string): HardState {
  const row = db
    .prepare('SELECT term, voted_for, commit_index, crc FROM hard_state WHERE id = 1')
    .get() as HardStateRow | undefined;
  if (row === undefined) return emptyHardState;
  const hardState: HardState = {
    term: row.term,
    votedFor: row.voted_for,
    commitIndex: row.commit_index,
  };
  if (hardStateChecksum(hardState) !== row.crc) {
    throw new PersisterCorruptionError({
      store,
      record: 'hardState',
      index: null,
      detail: 'checksum mismatch',
    });
  }
  return hardState;
}

function readSnapshot(db: Database.Database, store: string): Snapshot | null {
  const row = db.prepare('SELECT idx, term, data, crc, config FROM snapshot WHERE id = 1').get() as
    | SnapshotRow
    | undefined;
  if (row === undefined) return null;
  const data = view(row.data);
  const config = row.config === null ? undefined : view(row.config);
  if (snapshotChecksum(row.idx, row.term, data, config) !== row.crc) {
    throw new PersisterCorruptionError({
      store,
      record: 'snapshot',
      index: row.idx,
      detail: 'checksum mismatch',
    });
  }
  const snapshot = { index: row.idx, term: row.term, data };
  return config === undefined ? snapshot : { ...snapshot, config: decodeConfigState(config) };
}

function view(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}
