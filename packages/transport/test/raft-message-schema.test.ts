// Goal: membership's Raft traffic crosses the wire (thesis §4.3): config entries and snapshots
// that carry a configuration pass validation, and malformed ones are refused with a
// FrameDecodeError instead of reaching raft-core's assertions. Method: validateMessage on
// hand-built messages.
import { bootstrapConfig, encodeConfigState } from '@kvraft/raft-core';
import { describe, expect, it } from 'vitest';
import { FrameDecodeError, validateMessage } from '../src/index.ts';

const config = bootstrapConfig([1, 2, 3], [{ id: 3, address: '127.0.0.1:7003' }]);
const append = (kind: string, data: Uint8Array) => ({
  type: 'AppendEntries',
  from: 1,
  to: 2,
  term: 1,
  prevLogIndex: 0,
  prevLogTerm: 0,
  leaderCommit: 0,
  entries: [{ index: 1, term: 1, kind, data }],
});
const snapshot = (value: unknown) => ({
  type: 'InstallSnapshot',
  from: 1,
  to: 2,
  term: 1,
  snapshot: { index: 5, term: 1, data: new Uint8Array(1), config: value },
});

describe('Raft messages that carry configurations', () => {
  it('accepts a config entry and a snapshot with its configuration', () => {
    expect(() => validateMessage(append('config', encodeConfigState(config)))).not.toThrow();
    expect(() => validateMessage(snapshot(config))).not.toThrow();
  });

  it.each([
    ['bytes that are not JSON', new TextEncoder().encode('{oops')],
    ['JSON without the id lists', new TextEncoder().encode('{"voters":1}')],
    ['JSON null', new TextEncoder().encode('null')],
  ])('refuses a config entry of %s', (_name, data) => {
    expect(() => validateMessage(append('config', data))).toThrow(FrameDecodeError);
  });

  it.each([
    ['ids that are strings', { ...config, voters: ['1'] }],
    ['no auto-leave flag', { ...config, autoLeave: 'yes' }],
    ['a bad address', { ...config, addresses: [{ id: 1 }] }],
    ['a list', []],
  ])('refuses a snapshot configuration with %s', (_name, value) => {
    expect(() => validateMessage(snapshot(value))).toThrow(FrameDecodeError);
  });

  it('refuses an unknown entry kind', () => {
    expect(() => validateMessage(append('magic', new Uint8Array()))).toThrow(FrameDecodeError);
  });
});

describe('AppendEntriesReply.recovering (a field newer than the first release)', () => {
  const reply = (extra: object) => ({
    type: 'AppendEntriesReply',
    from: 2,
    to: 1,
    term: 3,
    success: false,
    matchIndex: 0,
    rejectedIndex: 7,
    conflictTerm: 0,
    conflictIndex: 3,
    ...extra,
  });

  it('passes when present or absent (an older peer leaves it out)', () => {
    expect(validateMessage(reply({ recovering: true }))).toMatchObject({ recovering: true });
    expect(() => validateMessage(reply({}))).not.toThrow();
  });

  it('refuses a value that is not a boolean', () => {
    expect(() => validateMessage(reply({ recovering: 'yes' }))).toThrow(
      /AppendEntriesReply.recovering has a wrong type/,
    );
  });
});

describe('HeartbeatReply.recovering (a field newer than the first release)', () => {
  const reply = (extra: object) => ({
    type: 'HeartbeatReply',
    from: 2,
    to: 1,
    term: 3,
    readContext: 0,
    ...extra,
  });

  it('passes when present or absent', () => {
    expect(validateMessage(reply({ recovering: true }))).toMatchObject({ recovering: true });
    expect(() => validateMessage(reply({}))).not.toThrow();
  });

  it('refuses a value that is not a boolean', () => {
    expect(() => validateMessage(reply({ recovering: 1 }))).toThrow(
      /HeartbeatReply.recovering has a wrong type/,
    );
  });
});
