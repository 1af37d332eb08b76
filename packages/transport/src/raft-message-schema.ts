// Structural validation of Raft messages decoded from the wire. Everything a peer sends is
// untrusted until it passes here: wrong types and unknown message kinds are refused with a
// message naming the field, before anything reaches the Raft core.
import {
  type ConfigState,
  decodeConfigState,
  type Entry,
  type Message,
  type MessageType,
  type Snapshot,
} from '@kvraft/raft-core';
import { FrameDecodeError } from './errors.ts';

type Fields = Record<string, unknown>;
type FieldCheck = (value: unknown) => boolean;

const isIndex: FieldCheck = (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isBool: FieldCheck = (v) => typeof v === 'boolean';
// Fields added after the first release: a peer running an older version leaves them out.
const isOptionalBool: FieldCheck = (v) => v === undefined || typeof v === 'boolean';
const isBytes: FieldCheck = (v) => v instanceof Uint8Array;

// The scalar fields of each message type beyond the envelope (from, to, term).
const scalarFields: Record<MessageType, Record<string, FieldCheck>> = {
  RequestVote: { preVote: isBool, lastLogIndex: isIndex, lastLogTerm: isIndex, transfer: isBool },
  RequestVoteReply: { preVote: isBool, voteGranted: isBool },
  AppendEntries: { prevLogIndex: isIndex, prevLogTerm: isIndex, leaderCommit: isIndex },
  AppendEntriesReply: {
    success: isBool,
    matchIndex: isIndex,
    rejectedIndex: isIndex,
    conflictTerm: isIndex,
    conflictIndex: isIndex,
    recovering: isOptionalBool,
  },
  Heartbeat: { leaderCommit: isIndex, readContext: isIndex },
  HeartbeatReply: { readContext: isIndex, recovering: isOptionalBool },
  InstallSnapshot: {},
  InstallSnapshotReply: { lastIndex: isIndex },
  TimeoutNow: {},
};

/** Whether `value` names a Raft message type. */
export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && Object.hasOwn(scalarFields, value);
}

/** Returns `value` as a Message, or throws FrameDecodeError naming the first bad field. */
export function validateMessage(value: unknown): Message {
  const m = asFields(value, 'message');
  const type = m['type'];
  if (!isMessageType(type)) throw new FrameDecodeError(`unknown message type ${show(type)}`);
  for (const name of ['from', 'to', 'term']) expectField(m, name, isIndex, type);
  for (const [name, check] of Object.entries(scalarFields[type])) expectField(m, name, check, type);
  if (type === 'AppendEntries') {
    const entries = m['entries'];
    if (!Array.isArray(entries))
      throw new FrameDecodeError('AppendEntries.entries must be an array');
    entries.forEach(validateEntry);
  }
  if (type === 'InstallSnapshot') validateSnapshot(m['snapshot']);
  return value as Message;
}

function validateEntry(value: unknown, position: number): Entry {
  const e = asFields(value, `entry ${position}`);
  for (const name of ['index', 'term']) expectField(e, name, isIndex, 'Entry');
  const kind = e['kind'];
  if (kind !== 'command' && kind !== 'noop' && kind !== 'config') {
    throw new FrameDecodeError(
      `Entry.kind must be 'command', 'noop' or 'config', got ${show(kind)}`,
    );
  }
  expectField(e, 'data', isBytes, 'Entry');
  // Thesis §4.3: a config entry carries the whole next configuration; the core asserts on a
  // malformed one (a bug there), so a peer's is checked here first.
  if (kind === 'config') validateConfig(decodedConfig(e['data'] as Uint8Array), 'config entry');
  return value as Entry;
}

function validateSnapshot(value: unknown): Snapshot {
  const s = asFields(value, 'snapshot');
  for (const name of ['index', 'term']) expectField(s, name, isIndex, 'Snapshot');
  expectField(s, 'data', isBytes, 'Snapshot');
  if (s['config'] !== undefined) validateConfig(s['config'], 'Snapshot.config');
  return value as Snapshot;
}

function decodedConfig(data: Uint8Array): unknown {
  try {
    return decodeConfigState(data);
  } catch (error) {
    throw new FrameDecodeError(`config entry does not decode: ${String(error).slice(0, 80)}`);
  }
}

// A configuration's shape (raft-core's ConfigState): id lists, the auto-leave flag, addresses.
function validateConfig(value: unknown, what: string): ConfigState {
  const c = asFields(value, what);
  for (const name of ['voters', 'outgoingVoters', 'learners', 'learnersNext']) {
    const list = c[name];
    if (!Array.isArray(list) || !list.every(isIndex)) {
      throw new FrameDecodeError(`${what}.${name} must be a list of node ids, got ${show(list)}`);
    }
  }
  if (!isBool(c['autoLeave'])) throw new FrameDecodeError(`${what}.autoLeave must be a boolean`);
  const addresses = c['addresses'];
  if (!Array.isArray(addresses)) throw new FrameDecodeError(`${what}.addresses must be a list`);
  for (const item of addresses) {
    const a = asFields(item, `${what} address`);
    if (!isIndex(a['id']) || typeof a['address'] !== 'string') {
      throw new FrameDecodeError(`${what} has a bad address ${show(item)}`);
    }
  }
  return value as ConfigState;
}

/** Returns `value` as a plain record, or throws FrameDecodeError naming `what`. */
export function asFields(value: unknown, what: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isBytes(value)) {
    throw new FrameDecodeError(`${what} must be a map, got ${show(value)}`);
  }
  return value as Fields;
}

function expectField(fields: Fields, name: string, check: FieldCheck, owner: string): void {
  if (!check(fields[name])) {
    throw new FrameDecodeError(`${owner}.${name} has a wrong type: ${show(fields[name])}`);
  }
}

/** A short rendering of an untrusted value for error messages (never its full contents). */
export function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array(${value.length})`;
  if (value instanceof Uint8Array) return `bytes(${value.length})`;
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'object') return 'map';
  return `${typeof value} ${String(value).slice(0, 40)}`;
}
