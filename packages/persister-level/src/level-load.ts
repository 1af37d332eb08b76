// Reads and verifies a whole LevelDB store on open: every record's checksum and length, the
// log's contiguity after the snapshot, unknown keys. Never skips a bad record.
import type { Entry, EntryKind, HardState, PersistedState, Snapshot } from '@kvraft/raft-core';
import { decodeConfigState, emptyHardState } from '@kvraft/raft-core';
import {
  entryChecksum,
  hardStateChecksum,
  kindOfByte,
  type PersistedRecord,
  PersisterCorruptionError,
  readUint64,
  snapshotChecksum,
} from '@kvraft/raft-core/persister-kit';
import type { ClassicLevel } from 'classic-level';
import { entryKeyIndex, keyPrefix, snapshotConfigChecksum } from './level-keys.ts';

/** The raw store as LevelDB returns it. */
export type LevelStore = ClassicLevel<Uint8Array, Uint8Array>;

/** Reads the store, throwing PersisterCorruptionError (naming `store` and the index) on damage. */
export async function readLevelState(db: LevelStore, store: string): Promise<PersistedState> {
  let hardState: HardState = emptyHardState;
  let snapshot: Snapshot | null = null;
  let config: { index: number; config: NonNullable<Snapshot['config']> } | null = null;
  const entries: Entry[] = [];
  const fail = (record: PersistedRecord, index: number | null, detail: string): never => {
    throw new PersisterCorruptionError({ store, record, index, detail });
  };
  for await (const [key, value] of db.iterator()) {
    const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
    const prefix = key[0];
    if (prefix === keyPrefix.meta) continue;
    if (prefix === keyPrefix.hardState) {
      if (key.length !== 1 || value.length !== 28)
        fail('hardState', null, `bad length ${value.length}`);
      hardState = decodeHardState(view);
      if (hardStateChecksum(hardState) !== view.getUint32(0))
        fail('hardState', null, 'checksum mismatch');
    } else if (prefix === keyPrefix.snapshot) {
      if (key.length !== 1 || value.length < 20)
        fail('snapshot', null, `bad length ${value.length}`);
      const index = readUint64(view, 4);
      snapshot = { index, term: readUint64(view, 12), data: value.subarray(20) };
      if (snapshotChecksum(index, snapshot.term, snapshot.data) !== view.getUint32(0)) {
        fail('snapshot', index, 'checksum mismatch');
      }
    } else if (prefix === keyPrefix.snapshotConfig && key.length === 1) {
      if (value.length < 12 || snapshotConfigChecksum(value) !== view.getUint32(0)) {
        fail('snapshot', null, 'configuration checksum mismatch');
      }
      config = { index: readUint64(view, 4), config: decodeConfigState(value.subarray(12)) };
    } else if (prefix === keyPrefix.entry && key.length === 9) {
      const index = entryKeyIndex(key);
      const expected = (snapshot?.index ?? 0) + 1 + entries.length;
      if (index !== expected)
        fail('entry', index, `expected index ${expected} (a record is missing)`);
      entries.push(decodeEntry(index, value, view, fail));
    } else {
      fail('file', null, `unknown key ${Buffer.from(key).toString('hex')}`);
    }
  }
  if (config !== null) {
    if (snapshot === null || snapshot.index !== config.index) {
      fail('snapshot', config.index, 'configuration of a snapshot that is not there');
    }
    snapshot = { ...snapshot!, config: config.config };
  }
  return { hardState, snapshot, entries };
}

function decodeHardState(view: DataView): HardState {
  const votedFor = readUint64(view, 12);
  return {
    term: readUint64(view, 4),
    votedFor: votedFor < 0 ? null : votedFor,
    commitIndex: readUint64(view, 20),
  };
}

function decodeEntry(
  index: number,
  value: Uint8Array,
  view: DataView,
  fail: (record: PersistedRecord, index: number | null, detail: string) => never,
): Entry {
  if (value.length < 13) fail('entry', index, `bad length ${value.length}`);
  const kindCode = value[12];
  const kind: EntryKind | undefined = kindOfByte(kindCode);
  if (kind === undefined) return fail('entry', index, `unknown kind ${kindCode}`);
  const entry: Entry = { index, term: readUint64(view, 4), kind, data: value.subarray(13) };
  if (entryChecksum(index, entry.term, kind, entry.data) !== view.getUint32(0)) {
    fail('entry', index, 'checksum mismatch');
  }
  return entry;
}
