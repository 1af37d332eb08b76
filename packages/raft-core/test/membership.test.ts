// Goal: one test per claim of the thesis's membership chapter (§4.1–§4.3) and of the rules we took
// from etcd-io/raft (apply-time configurations, one change in flight, learners). Method: the
// synchronous TestCluster of RawNodes with cut links, plus a lone RawNode stepped by hand where
// a claim is about one node's decision. Every test can fail: each checks a decision that a
// majority-of-one-set implementation, or one that ignores learners, would get wrong.
import {
  bootstrapConfig,
  type ConfChange,
  changeConfig,
  createPrng,
  describeConfig,
  emptyHardState,
  encodeConfigState,
  jointCommittedIndex,
  jointVoteResult,
  RawNode,
} from '@kvraft/raft-core';
import { describe, expect, it } from 'vitest';
import { TestCluster } from './support/cluster.ts';

const noLease = { checkQuorum: false, preVote: false };

/** Proposes `change` on `leader`, then lets a heartbeat round spread the commit index. */
function change(c: TestCluster, leader: number, conf: ConfChange) {
  const result = c.node(leader).proposeConfChange(conf);
  c.stabilize();
  for (let i = 0; i < 10; i++) c.node(leader).tick();
  c.stabilize();
  return result;
}

/** A three-voter cluster led by 1 with node 4 joined as a caught-up learner. */
function clusterWithLearner(extra = {}): TestCluster {
  const c = new TestCluster([1, 2, 3], extra);
  c.campaign(1);
  c.join(4);
  const result = change(c, 1, { changes: [{ type: 'addLearner', nodeId: 4, address: 'n4' }] });
  expect(result.ok).toBe(true);
  return c;
}

describe('joint quorum arithmetic (thesis §4.3)', () => {
  const joint = { incoming: [1, 2, 3], outgoing: [3, 4, 5] };
  it.each([
    ['both halves won', [1, 2, 4, 5], [], 'won'],
    ['only the incoming half won', [1, 2, 3], [], 'pending'],
    ['the outgoing half lost', [1, 2], [4, 5], 'lost'],
    ['one shared voter is not enough', [3], [], 'pending'],
  ] as const)('votes: %s', (_name, granted, rejected, expected) => {
    const votes = new Map<number, boolean>();
    for (const id of granted) votes.set(id, true);
    for (const id of rejected) votes.set(id, false);
    expect(jointVoteResult(joint, votes)).toBe(expected);
  });

  it('commits only what majorities of both halves hold', () => {
    const match = new Map([
      [1, 9],
      [2, 9],
      [3, 5],
      [4, 2],
      [5, 7],
    ]);
    // Incoming (1 2 3) holds 9 on a majority; outgoing (3 4 5) only 5.
    expect(jointCommittedIndex(joint, (id) => match.get(id)!)).toBe(5);
    expect(jointCommittedIndex({ incoming: [1, 2, 3], outgoing: [] }, (id) => match.get(id)!)).toBe(
      9,
    );
  });
});

describe('the changer (etcd ConfChangeV2 semantics)', () => {
  const base = bootstrapConfig([1, 2, 3]);
  it.each([
    [
      'adds a learner simply',
      { changes: [{ type: 'addLearner', nodeId: 4 }] },
      'voters=(1 2 3) learners=(4)',
    ],
    ['adds one voter simply', { changes: [{ type: 'addVoter', nodeId: 4 }] }, 'voters=(1 2 3 4)'],
    [
      'replaces a voter through an auto-left joint state',
      {
        changes: [
          { type: 'addVoter', nodeId: 4 },
          { type: 'remove', nodeId: 3 },
        ],
      },
      'voters=(1 2 4)&&(1 2 3) autoleave',
    ],
    [
      'demotes in joint state through learners_next',
      { changes: [{ type: 'addLearner', nodeId: 3 }], transition: 'joint-explicit' },
      'voters=(1 2)&&(1 2 3) learners_next=(3)',
    ],
  ] as const)('%s', (_name, conf, expected) => {
    const result = changeConfig(base, conf as ConfChange);
    expect(result.ok && describeConfig(result.config)).toBe(expected);
  });

  it('leaving joint turns learners_next into learners', () => {
    const joint = changeConfig(base, {
      changes: [{ type: 'addLearner', nodeId: 3 }],
      transition: 'joint-explicit',
    });
    expect(joint.ok).toBe(true);
    const left = joint.ok ? changeConfig(joint.config, { changes: [] }) : joint;
    expect(left.ok && describeConfig(left.config)).toBe('voters=(1 2) learners=(3)');
  });

  it.each([
    ['removing an unknown node', { changes: [{ type: 'remove', nodeId: 9 }] }, 'UnknownNode'],
    [
      'removing every voter',
      {
        changes: [
          { type: 'remove', nodeId: 1 },
          { type: 'remove', nodeId: 2 },
          { type: 'remove', nodeId: 3 },
        ],
      },
      'RemovesLastVoter',
    ],
    ['leaving a joint state that is not there', { changes: [] }, 'NotJoint'],
    ['a change that changes nothing', { changes: [{ type: 'addVoter', nodeId: 2 }] }, 'NoChange'],
  ] as const)('refuses %s', (_name, conf, error) => {
    expect(changeConfig(base, conf as ConfChange)).toEqual({ ok: false, error });
  });
});

describe('membership claims (thesis §4)', () => {
  it('a learner receives the log but its acknowledgement never commits an entry (§4.2.1)', () => {
    const c = clusterWithLearner();
    c.join(5);
    change(c, 1, { changes: [{ type: 'addLearner', nodeId: 5 }] });
    c.cutLink(1, 2);
    c.cutLink(1, 3);
    c.propose(1, 'x');
    // 1 and the learners 4 and 5 hold the entry: three of five members, one of three voters.
    for (const id of [4, 5]) {
      expect(c.node(id).logEntries().at(-1)?.index).toBe(c.node(1).status().lastIndex);
    }
    expect(c.node(1).status().commitIndex).toBeLessThan(c.node(1).status().lastIndex);
  });

  it('a candidate does not count a learner grant toward its majority (§4.2.1)', () => {
    const config = bootstrapConfig([1, 2, 3]);
    const withLearner = changeConfig(config, {
      changes: [
        { type: 'addLearner', nodeId: 4 },
        { type: 'addLearner', nodeId: 5 },
      ],
    });
    expect(withLearner.ok).toBe(true);
    const learnerConfig = withLearner.ok ? withLearner.config : config;
    const node = new RawNode(
      { id: 2, peers: [1, 2, 3], prng: createPrng(7), ...noLease },
      {
        hardState: { ...emptyHardState, commitIndex: 1 },
        snapshot: { index: 1, term: 1, data: new Uint8Array(0), config: learnerConfig },
        entries: [],
      },
    );
    node.ready();
    for (let i = 0; i < 100 && node.status().role !== 'candidate'; i++) node.tick();
    const term = node.status().term;
    node.ready();
    const grant = {
      type: 'RequestVoteReply',
      to: 2,
      term,
      preVote: false,
      voteGranted: true,
    } as const;
    // With the learners 4 and 5 it holds three of five members' grants, but one of three voters'.
    node.step({ ...grant, from: 4 });
    node.step({ ...grant, from: 5 });
    expect(node.status().role).toBe('candidate');
    node.step({ ...grant, from: 3 });
    expect(node.status().role).toBe('leader');
  });

  it('a node with a committed configuration not yet applied does not campaign (etcd hup)', () => {
    const data = encodeConfigState(bootstrapConfig([1, 2]));
    const node = new RawNode(
      { id: 1, peers: [1, 2, 3], prng: createPrng(3), ...noLease },
      {
        hardState: { term: 1, votedFor: null, commitIndex: 2 },
        snapshot: null,
        entries: [
          { index: 1, term: 1, kind: 'noop', data: new Uint8Array(0) },
          { index: 2, term: 1, kind: 'config', data },
        ],
      },
    );
    for (let i = 0; i < 200; i++) node.tick();
    expect(node.status().role).toBe('follower');
    const ready = node.ready();
    expect(ready.committedEntries.map((e) => e.kind)).toEqual(['noop', 'config']);
    expect(describeConfig(node.status().config)).toBe('voters=(1 2)');
    for (let i = 0; i < 200 && node.status().role === 'follower'; i++) node.tick();
    expect(node.status().role).toBe('candidate');
  });

  it('CheckQuorum needs both halves while joint: losing the outgoing half deposes (§4.3, §6.2)', () => {
    const c = clusterWithLearner();
    const joint = change(c, 1, {
      changes: [
        { type: 'addVoter', nodeId: 4 },
        { type: 'remove', nodeId: 3 },
      ],
      transition: 'joint-explicit',
    });
    expect(joint.ok).toBe(true);
    expect(describeConfig(c.node(1).status().config)).toBe('voters=(1 2 4)&&(1 2 3)');
    // 1 and 4 are a majority of (1 2 4) but not of (1 2 3).
    c.cutLink(1, 2);
    c.cutLink(1, 3);
    // Replies are delivered after every tick, so 4 stays active all along.
    for (let i = 0; i < 70; i++) {
      c.node(1).tick();
      c.stabilize();
    }
    expect(c.node(1).status().role).toBe('follower');
  });

  it('ReadIndex while joint waits for acknowledgements from both halves (§4.3, §6.4)', () => {
    const c = clusterWithLearner();
    change(c, 1, {
      changes: [
        { type: 'addVoter', nodeId: 4 },
        { type: 'remove', nodeId: 3 },
      ],
      transition: 'joint-explicit',
    });
    c.cutLink(1, 2);
    c.cutLink(1, 3);
    expect(c.node(1).readIndex(5)).toBe(true);
    c.stabilize();
    expect(c.readStates.get(1)).toEqual([]);
    c.heal();
    for (let i = 0; i < 10; i++) c.node(1).tick();
    c.stabilize();
    expect(c.readStates.get(1)!.map((r) => r.context)).toEqual([5]);
  });

  it('a leader whose log removes it takes no proposals, then hands over (§4.2.2, §3.10)', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.cutLink(1, 2);
    c.cutLink(1, 3);
    expect(c.node(1).proposeConfChange({ changes: [{ type: 'remove', nodeId: 1 }] }).ok).toBe(true);
    // Anything appended after its removal could be an entry only it holds when it leaves.
    expect(c.propose(1, 'late')).toMatchObject({ ok: false, error: 'TransferInProgress' });
    c.heal();
    for (let i = 0; i < 10; i++) c.node(1).tick();
    c.stabilize();
    const leader = c.leader();
    expect([2, 3]).toContain(leader);
    expect(c.node(1).status().role).toBe('follower');
    expect(describeConfig(c.node(leader!).status().config)).toBe('voters=(2 3)');
  });

  it('leadership cannot be transferred to a learner (§3.10, §4.2.1)', () => {
    const c = clusterWithLearner();
    expect(c.node(1).transferLeadership(4)).toBe(false);
    expect(c.node(1).transferLeadership(2)).toBe(true);
  });

  it('the configuration travels in snapshots and survives a restart (§4.3, §7)', () => {
    const c = clusterWithLearner();
    c.propose(1, 'a');
    for (let i = 0; i < 10; i++) c.node(1).tick();
    c.stabilize();
    const applied = c.node(1).status().appliedIndex;
    c.node(1).snapshot(applied, new TextEncoder().encode('state'));
    c.stabilize();
    expect(c.stored.get(1)!.snapshot?.config).toEqual(c.node(1).status().config);
    // A member added after the compaction learns everything, configuration included, from it.
    c.join(5);
    const added = change(c, 1, { changes: [{ type: 'addLearner', nodeId: 5, address: 'n5' }] });
    expect(added.ok).toBe(true);
    c.tickAll(3);
    expect(c.installed.get(5)!.map((s) => s.index)).toEqual([applied]);
    expect(describeConfig(c.node(5).status().config)).toBe('voters=(1 2 3) learners=(4 5)');
    const restarted = c.start(1);
    expect(describeConfig(restarted.status().config)).toBe('voters=(1 2 3) learners=(4)');
    expect(restarted.status().configIndex).toBe(applied);
  });

  it('member addresses reach every replica inside the config entry', () => {
    const c = clusterWithLearner();
    for (const id of [1, 2, 3, 4]) {
      expect(c.node(id).status().config.addresses).toEqual([{ id: 4, address: 'n4' }]);
    }
  });
});

describe("the leader's view of replication (thesis §3.5)", () => {
  it('reports every member’s match index, a learner’s included, only on the leader', () => {
    const c = clusterWithLearner();
    c.isolate(3);
    c.propose(1, 'x');
    c.stabilize();
    const view = c.node(1).matchIndexes();
    const last = c.node(1).status().lastIndex;
    expect([...view.keys()].sort()).toEqual([1, 2, 3, 4]);
    expect(view.get(1)).toBe(last);
    expect(view.get(2)).toBe(last);
    expect(view.get(4)).toBe(last);
    expect(view.get(3)).toBeLessThan(last);
    expect(c.node(2).matchIndexes().size).toBe(0);
  });
});
