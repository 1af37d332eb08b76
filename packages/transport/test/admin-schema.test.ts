// Goal: the admin requests of membership (members, member-change, transfer-leader) pass the wire
// validation only when every field has its type and bound, hostile values are refused with a
// FrameDecodeError (never another exception), and well-formed replies round-trip. Method: tables
// of good and bad values through validateServerInbound and validateAdminReply, plus a bounded,
// seeded fast-check fuzz.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FrameDecodeError,
  membersReportedMax,
  validateAdminReply,
  validateServerInbound,
} from '../src/index.ts';

const admin = (body: unknown) => ({ kind: 'admin', id: 1, admin: body });
const status = {
  nodeId: 2,
  role: 'follower',
  term: 4,
  leaderId: 1,
  commitIndex: 30,
  appliedIndex: 29,
  raftStateBytes: 1200,
  snapshotBytes: 0,
};
const members = {
  nodeId: 1,
  leaderId: 1,
  configIndex: 7,
  joint: false,
  members: [
    { id: 1, address: '127.0.0.1:7001', role: 'voter', matchIndex: 12 },
    { id: 4, address: '127.0.0.1:7004', role: 'learner', matchIndex: null },
  ],
};

describe('admin requests on the wire', () => {
  it.each([
    { kind: 'status' },
    { kind: 'members' },
    { kind: 'transfer-leader', id: 3 },
    { kind: 'member-change', change: { kind: 'addLearner', id: 4, address: '127.0.0.1:7004' } },
    { kind: 'member-change', change: { kind: 'promote', id: 4 } },
    { kind: 'member-change', change: { kind: 'remove', id: 3 } },
  ])('accepts %j', (body) => {
    expect(validateServerInbound(admin(body))).toEqual(admin(body));
  });

  it.each([
    ['an unknown kind', { kind: 'reboot' }],
    ['a negative target', { kind: 'transfer-leader', id: -1 }],
    ['a fractional target', { kind: 'transfer-leader', id: 1.5 }],
    ['a string target', { kind: 'transfer-leader', id: '3' }],
    ['no change', { kind: 'member-change' }],
    ['an unknown change', { kind: 'member-change', change: { kind: 'demote', id: 2 } }],
    ['a change without id', { kind: 'member-change', change: { kind: 'remove' } }],
    ['a learner without address', { kind: 'member-change', change: { kind: 'addLearner', id: 4 } }],
    [
      'an address past the limit',
      { kind: 'member-change', change: { kind: 'addLearner', id: 4, address: 'x'.repeat(300) } },
    ],
    ['an array body', ['members']],
  ])('refuses %s', (_name, body) => {
    expect(() => validateServerInbound(admin(body))).toThrow(FrameDecodeError);
  });

  it('refuses random admin bodies with FrameDecodeError only (fuzzed, bounded runs)', () => {
    const body = fc.oneof(
      fc.anything({ maxDepth: 3 }),
      fc.record({
        kind: fc.constantFrom('members', 'member-change', 'transfer-leader'),
        id: fc.anything(),
        change: fc.record({ kind: fc.string(), id: fc.anything(), address: fc.anything() }),
      }),
    );
    fc.assert(
      fc.property(body, (value) => {
        try {
          validateServerInbound(admin(value));
        } catch (error) {
          expect(error).toBeInstanceOf(FrameDecodeError);
        }
      }),
      { numRuns: 500, seed: 11 },
    );
  });
});

describe('admin replies on the wire', () => {
  it.each([
    { kind: 'members', members },
    { kind: 'status', status },
    { kind: 'status', status: { ...status, recovering: true } },
    { kind: 'member-change', outcome: { ok: true, index: 9, members } },
    { kind: 'member-change', outcome: { ok: false, error: 'NotLeader', leaderHint: 2 } },
    { kind: 'member-change', outcome: { ok: false, error: 'RemovesLastVoter' } },
    { kind: 'transfer-leader', outcome: { ok: true, leaderId: 3 } },
    { kind: 'transfer-leader', outcome: { ok: false, error: 'NotVoter', message: 'learner' } },
  ])('accepts %j', (reply) => {
    expect(validateAdminReply(reply)).toEqual(reply);
  });

  it.each([
    ['an unknown error', { kind: 'member-change', outcome: { ok: false, error: 'Oops' } }],
    [
      'a bad role',
      {
        kind: 'members',
        members: { ...members, members: [{ ...members.members[0], role: 'boss' }] },
      },
    ],
    [
      'too many members',
      {
        kind: 'members',
        members: { ...members, members: Array(membersReportedMax + 1).fill(members.members[0]) },
      },
    ],
    [
      'a recovering flag that is no boolean',
      { kind: 'status', status: { ...status, recovering: 1 } },
    ],
    ['a transfer without leader', { kind: 'transfer-leader', outcome: { ok: true } }],
    [
      'a bad hint',
      { kind: 'transfer-leader', outcome: { ok: false, error: 'NotLeader', leaderHint: 'x' } },
    ],
  ])('refuses %s', (_name, reply) => {
    expect(() => validateAdminReply(reply)).toThrow(FrameDecodeError);
  });
});
