// How the Raft scenarios turn test commands into entry bytes and back. The original tester sent
// Go ints and strings through gob; we send numbers as decimal text and strings behind a one-byte
// tag, which keeps a command's bytes small (the 2000-byte MAXLOGSIZE and the 200,000-byte RPC
// budget then carry over unchanged).
import { assert } from '@kvraft/raft-core';

/** A command a Raft scenario proposes: a number (most tests) or a string (RPCBytes). */
export type Command = number | string;

/** What a server applied at one index: a command, or null for a leader's no-op entry. */
export type AppliedValue = Command | null;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const stringTag = 's';

/** Encodes a command as entry data. */
export function encodeCommand(command: Command): Uint8Array {
  if (typeof command === 'number') {
    assert(Number.isSafeInteger(command), `command ${command} must be a safe integer`);
    return encoder.encode(String(command));
  }
  return encoder.encode(stringTag + command);
}

/** Decodes entry data written by `encodeCommand`. */
export function decodeCommand(data: Uint8Array): Command {
  const text = decoder.decode(data);
  if (text.startsWith(stringTag)) return text.slice(stringTag.length);
  const value = Number(text);
  assert(text.length > 0 && Number.isSafeInteger(value), `undecodable command '${text}'`);
  return value;
}

/** The tester's snapshot: the last included index and every applied value 0..index. */
export interface TesterSnapshot {
  readonly index: number;
  /** values[i] is what was applied at index i; values[0] is always null. */
  readonly values: readonly AppliedValue[];
}

/** Encodes a tester snapshot (what the 2D snapshot applier hands to `RaftNode.snapshot`). */
export function encodeTesterSnapshot(snapshot: TesterSnapshot): Uint8Array {
  assert(
    snapshot.values.length === snapshot.index + 1,
    'tester snapshot: values must cover 0..index',
  );
  return encoder.encode(JSON.stringify(snapshot));
}

/** Decodes a tester snapshot; crashes on bytes it did not write. */
export function decodeTesterSnapshot(data: Uint8Array): TesterSnapshot {
  const parsed: unknown = JSON.parse(decoder.decode(data));
  assert(typeof parsed === 'object' && parsed !== null, 'tester snapshot: not an object');
  const { index, values } = parsed as { index: unknown; values: unknown };
  assert(typeof index === 'number' && Number.isSafeInteger(index), 'tester snapshot: bad index');
  assert(Array.isArray(values) && values.length === index + 1, 'tester snapshot: bad values');
  return { index, values: values as AppliedValue[] };
}
