// The snapshot encoding (format version 1), versioned and checksummed:
//   [version=1][crc32 of the body, 4 bytes big-endian][body]
//   body = appliedIndex, keyCount, (key, value)*, sessionCount, (clientId, seq, lastIndex)*
// (varints and length-prefixed UTF-8). It holds the map and the sessions only, so its size
// depends on the data, never on how many operations ran. Decoding never throws.
import type { LogIndex } from '@kvraft/raft-core';
import { crc32 } from '@kvraft/raft-core';
import { ByteReader, ByteWriter, DecodeError } from './byte-codec.ts';
import type { Session } from './session-table.ts';

/** The snapshot encoding's format version. */
export const snapshotFormatVersion = 1;
const headerBytes = 5;
const snapshotStringBytesMax = 256 * 1024 * 1024;

/** The state a snapshot captures. */
export interface KvSnapshot {
  readonly appliedIndex: LogIndex;
  /** Key/value pairs in the state machine's map order. */
  readonly entries: ReadonlyArray<readonly [string, string]>;
  /** Sessions, least recently applied first. */
  readonly sessions: readonly Session[];
}

/** The result of decoding a snapshot. */
export type DecodeSnapshotResult =
  | { readonly ok: true; readonly snapshot: KvSnapshot }
  | { readonly ok: false; readonly error: string };

/** Encodes `snapshot` with its version byte and checksum. */
export function encodeSnapshot(snapshot: KvSnapshot): Uint8Array {
  const body = new ByteWriter();
  body.varint(snapshot.appliedIndex);
  body.varint(snapshot.entries.length);
  for (const [key, value] of snapshot.entries) {
    body.string(key);
    body.string(value);
  }
  body.varint(snapshot.sessions.length);
  for (const session of snapshot.sessions) {
    body.varint(session.clientId);
    body.varint(session.seq);
    body.varint(session.lastIndex);
  }
  const bodyBytes = body.finish();
  const out = new ByteWriter();
  out.byte(snapshotFormatVersion);
  out.uint32(crc32(bodyBytes));
  const header = out.finish();
  const bytes = new Uint8Array(header.length + bodyBytes.length);
  bytes.set(header);
  bytes.set(bodyBytes, header.length);
  return bytes;
}

/** Decodes snapshot bytes: refuses unknown versions, checksum mismatches and malformed bodies. */
export function decodeSnapshot(bytes: Uint8Array): DecodeSnapshotResult {
  if (bytes.length < headerBytes) return { ok: false, error: 'snapshot: truncated header' };
  const version = bytes[0]!;
  if (version !== snapshotFormatVersion) {
    return { ok: false, error: `snapshot: unsupported format version ${version}` };
  }
  const expected = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(1);
  const body = bytes.subarray(headerBytes);
  if (crc32(body) !== expected) return { ok: false, error: 'snapshot: checksum mismatch' };
  try {
    return { ok: true, snapshot: readBody(new ByteReader(body)) };
  } catch (error) {
    if (error instanceof DecodeError) return { ok: false, error: `snapshot: ${error.message}` };
    throw error;
  }
}

function readBody(reader: ByteReader): KvSnapshot {
  const appliedIndex = reader.varint();
  const keyCount = reader.varint();
  const entries: Array<readonly [string, string]> = [];
  for (let i = 0; i < keyCount; i++) {
    entries.push([reader.string(snapshotStringBytesMax), reader.string(snapshotStringBytesMax)]);
  }
  const sessionCount = reader.varint();
  const sessions: Session[] = [];
  for (let i = 0; i < sessionCount; i++) {
    sessions.push({ clientId: reader.varint(), seq: reader.varint(), lastIndex: reader.varint() });
  }
  if (!reader.done()) throw new DecodeError('trailing bytes');
  return { appliedIndex, entries, sessions };
}
