// CRC32 checksums of persisted records. Each checksum covers
// the record's identity (index, term, kind) as well as its bytes, so a record that is intact but
// found under the wrong index is caught too.
import type { EntryKind, HardState, LogIndex, Term } from '../types.ts';
import { crc32 } from './crc32.ts';

/** Writes `value` (a safe non-negative integer, or -1 for "none") as 8 big-endian bytes. */
export function writeUint64(view: DataView, offset: number, value: number): void {
  if (value < 0) {
    view.setUint32(offset, 0xffff_ffff);
    view.setUint32(offset + 4, 0xffff_ffff);
    return;
  }
  view.setUint32(offset, Math.floor(value / 0x1_0000_0000));
  view.setUint32(offset + 4, value >>> 0);
}

/** Reads 8 big-endian bytes written by writeUint64 (-1 for "none"). */
export function readUint64(view: DataView, offset: number): number {
  const high = view.getUint32(offset);
  const low = view.getUint32(offset + 4);
  if (high === 0xffff_ffff && low === 0xffff_ffff) return -1;
  return high * 0x1_0000_0000 + low;
}

const kindBytes: Readonly<Record<EntryKind, number>> = { noop: 0, command: 1, config: 2 };

/** Encodes an entry kind as one byte (noop 0, command 1, config 2). */
export function kindByte(kind: EntryKind): number {
  return kindBytes[kind];
}

/** Decodes a byte written by kindByte; undefined for a byte no kind has (a corrupt record). */
export function kindOfByte(byte: number | undefined): EntryKind | undefined {
  if (byte === 0) return 'noop';
  if (byte === 1) return 'command';
  if (byte === 2) return 'config';
  return undefined;
}

/** Returns the checksum of one log entry. */
export function entryChecksum(
  index: LogIndex,
  term: Term,
  kind: EntryKind,
  data: Uint8Array,
): number {
  const header = new Uint8Array(17);
  const view = new DataView(header.buffer);
  writeUint64(view, 0, index);
  writeUint64(view, 8, term);
  header[16] = kindByte(kind);
  return crc32(data, crc32(header));
}

/**
 * Returns the checksum of a snapshot; `config` is its encoded configuration (encodeConfigState),
 * covered too when present, so a snapshot written without one keeps the checksum it always had.
 */
export function snapshotChecksum(
  index: LogIndex,
  term: Term,
  data: Uint8Array,
  config?: Uint8Array,
): number {
  const header = new Uint8Array(16);
  const view = new DataView(header.buffer);
  writeUint64(view, 0, index);
  writeUint64(view, 8, term);
  const crc = crc32(data, crc32(header));
  return config === undefined ? crc : crc32(config, crc32(Uint8Array.of(0xc0), crc));
}

/** Encodes a hard state as 24 bytes (votedFor null as all ones). */
export function encodeHardState(hardState: HardState): Uint8Array {
  const bytes = new Uint8Array(24);
  const view = new DataView(bytes.buffer);
  writeUint64(view, 0, hardState.term);
  writeUint64(view, 8, hardState.votedFor ?? -1);
  writeUint64(view, 16, hardState.commitIndex);
  return bytes;
}

/** Returns the checksum of a hard state. */
export function hardStateChecksum(hardState: HardState): number {
  return crc32(encodeHardState(hardState));
}
