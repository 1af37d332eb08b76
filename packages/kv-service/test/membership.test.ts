// Goal: the service's membership rules as tables: how a configuration is listed, which operator
// changes are refused before anything is proposed, and how raft-core's reasons map to the
// service's. Method: pure functions over literal configurations built by raft-core's changer.
import {
  confChangeOf,
  type MemberChange,
  memberChangeErrorOf,
  memberListOf,
} from '@kvraft/kv-service';
import { bootstrapConfig, changeConfig } from '@kvraft/raft-core';
import { describe, expect, it } from 'vitest';

const base = bootstrapConfig([1, 2, 3], [{ id: 1, address: 'a:1' }]);
const withLearner = (() => {
  const result = changeConfig(base, {
    changes: [{ type: 'addLearner', nodeId: 4, address: 'd:4' }],
  });
  if (!result.ok) throw new Error(result.error);
  return result.config;
})();

describe('member listing', () => {
  it('lists voters and learners with their addresses, unknown addresses as empty', () => {
    expect(memberListOf(withLearner, 5)).toEqual({
      configIndex: 5,
      joint: false,
      members: [
        { id: 1, address: 'a:1', role: 'voter' },
        { id: 2, address: '', role: 'voter' },
        { id: 3, address: '', role: 'voter' },
        { id: 4, address: 'd:4', role: 'learner' },
      ],
    });
  });

  it('lists a joint configuration with the outgoing voters as voters', () => {
    const joint = changeConfig(withLearner, {
      changes: [
        { type: 'addVoter', nodeId: 4 },
        { type: 'remove', nodeId: 3 },
      ],
    });
    expect(joint.ok).toBe(true);
    const list = joint.ok ? memberListOf(joint.config, 6) : null;
    expect(list?.joint).toBe(true);
    expect(list?.members.map((m) => `${m.id}:${m.role}`)).toEqual([
      '1:voter',
      '2:voter',
      '3:voter',
      '4:voter',
    ]);
  });
});

describe('operator changes', () => {
  it.each([
    ['adding an existing member', { kind: 'addLearner', id: 2, address: 'b:2' }, 'AlreadyMember'],
    ['adding without an address', { kind: 'addLearner', id: 5, address: '' }, 'BadRequest'],
    ['a negative id', { kind: 'remove', id: -1 }, 'BadRequest'],
    ['promoting a stranger', { kind: 'promote', id: 9 }, 'UnknownMember'],
    ['promoting a voter', { kind: 'promote', id: 2 }, 'AlreadyVoter'],
    ['removing a stranger', { kind: 'remove', id: 9 }, 'UnknownMember'],
  ] as const)('refuses %s', (_name, change, error) => {
    expect(confChangeOf(withLearner, change as MemberChange)).toMatchObject({ ok: false, error });
  });

  it.each([
    [
      { kind: 'addLearner', id: 5, address: 'e:5' },
      [{ type: 'addLearner', nodeId: 5, address: 'e:5' }],
    ],
    [{ kind: 'promote', id: 4 }, [{ type: 'addVoter', nodeId: 4 }]],
    [{ kind: 'remove', id: 4 }, [{ type: 'remove', nodeId: 4 }]],
  ] as const)('turns %o into one simple step', (change, changes) => {
    expect(confChangeOf(withLearner, change as MemberChange)).toEqual({
      ok: true,
      change: { changes },
    });
  });

  it.each([
    ['NotLeader', 'NotLeader'],
    ['UnknownNode', 'UnknownMember'],
    ['RemovesLastVoter', 'RemovesLastVoter'],
    ['LearnerNotCaughtUp', 'LearnerNotCaughtUp'],
    ['ChangeInProgress', 'ChangeInProgress'],
    ['AlreadyJoint', 'ChangeInProgress'],
    ['TransferInProgress', 'ChangeInProgress'],
    ['NoChange', 'AlreadyMember'],
  ] as const)('maps raft-core %s to %s', (core, service) => {
    expect(memberChangeErrorOf(core)).toBe(service);
  });
});
