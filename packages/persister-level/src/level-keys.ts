// Key and value layout of the LevelDB store. One prefix byte per record kind; entry keys are the
// prefix plus the index as 8 big-endian bytes, so LevelDB's byte order is log order.
// Values carry a CRC32 first (record-checksum.ts), verified on open.
import { type Entry, encodeConfigState, type HardState, type Snapshot } from '@kvraft/raft-core';
import {
  crc32,
  encodeHardState,
  entryChecksum,
  hardStateChecksum,
  kindByte,
  readUint64,
  snapshotChecksum,
  writeUint64,
} from '@kvraft/raft-core/persister-kit';

/**
 * Prefix bytes of the record kinds. The snapshot's configuration (membership changes) is its own
 * record, written in the same batch as the snapshot, so stores written before it still read.
 */
export const keyPrefix = {
  meta: 0x01,
  hardState: 0x02,
  snapshot: 0x03,
  entry: 0x04,
  snapshotConfig: 0x05,
} as const;

/** The key of the schema version record. */
export const metaKey = Uint8Array.of(keyPrefix.meta);
/** The key of the hard state record. */
export const hardStateKey = Uint8Array.of(keyPrefix.hardState);
/** The key of the snapshot record. */
export const snapshotKey = Uint8Array.of(keyPrefix.snapshot);

/** The key of the snapshot's configuration record. */
export const snapshotConfigKey = Uint8Array.of(keyPrefix.snapshotConfig);

/** Returns the key of the entry at `index`. */
export function entryKey(index: number): Uint8Array {
  const key = new Uint8Array(9);
  key[0] = keyPrefix.entry;
  writeUint64(new DataView(key.buffer), 1, index);
  return key;
}

/** Returns the index an entry key encodes. */
export function entryKeyIndex(key: Uint8Array): number {
  return readUint64(new DataView(key.buffer, key.byteOffset, key.byteLength), 1);
}

/** Encodes an entry's value: crc (4) | term (8) | kind (1) | data. */
export function encodeEntryValue(entry: Entry): Uint8Array {
  const value = new Uint8Array(13 + entry.data.length);
  const view = new DataView(value.buffer);
  view.setUint32(0, entryChecksum(entry.index, entry.term, entry.kind, entry.data));
  writeUint64(view, 4, entry.term);
  value[12] = kindByte(entry.kind);
  value.set(entry.data, 13);
  return value;
}

/** Encodes the hard state's value: crc (4) | term, votedFor, commitIndex (8 each). */
export function encodeHardStateValue(hardState: HardState): Uint8Array {
  const value = new Uint8Array(28);
  new DataView(value.buffer).setUint32(0, hardStateChecksum(hardState));
  value.set(encodeHardState(hardState), 4);
  return value;
}

/** Encodes the snapshot's value: crc (4) | index (8) | term (8) | data. */
export function encodeSnapshotValue(snapshot: Snapshot): Uint8Array {
  const value = new Uint8Array(20 + snapshot.data.length);
  const view = new DataView(value.buffer);
  view.setUint32(0, snapshotChecksum(snapshot.index, snapshot.term, snapshot.data));
  writeUint64(view, 4, snapshot.index);
  writeUint64(view, 12, snapshot.term);
  value.set(snapshot.data, 20);
  return value;
}

/** Encodes a snapshot's configuration: crc (4) | snapshot index (8) | encodeConfigState bytes. */
export function encodeSnapshotConfigValue(
  snapshot: Snapshot & { config: NonNullable<Snapshot['config']> },
): Uint8Array {
  const config = encodeConfigState(snapshot.config);
  const value = new Uint8Array(12 + config.length);
  const view = new DataView(value.buffer);
  writeUint64(view, 4, snapshot.index);
  value.set(config, 12);
  view.setUint32(0, snapshotConfigChecksum(value));
  return value;
}

/** The checksum a snapshot configuration value carries: over everything after the crc. */
export function snapshotConfigChecksum(value: Uint8Array): number {
  return crc32(value.subarray(4));
}
