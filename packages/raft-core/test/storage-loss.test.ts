// Goal: a node whose store lost entries it acknowledged never helps elect a leader that lacks
// them, and catches up by itself (Alagappan et al., FAST 2018). Method: the schedule that loses
// writes in plain Raft, on the in-memory TestCluster: stop follower 3; commit entries through 1
// and 2; stop both; wipe 2's store; start 2 and 3. With `recovery` (what the ack watermark adds)
// no leader can be elected until 1 returns; without it, 3 wins and the committed entries are
// gone, which is the loss this protection exists for.
import { emptyHardState } from '@kvraft/raft-core';
import { describe, expect, it } from 'vitest';
import { TestCluster } from './support/cluster.ts';

function lossSchedule(protect: boolean) {
  const cluster = new TestCluster([1, 2, 3]);
  cluster.campaign(1);
  cluster.stop(3);
  for (let i = 0; i < 5; i++) expect(cluster.propose(1, `w${i}`).ok).toBe(true);
  const acknowledged = cluster.node(2).status();
  const committed = cluster.node(1).status().commitIndex;
  expect(committed).toBe(acknowledged.lastIndex);
  cluster.stop(1);
  cluster.stop(2);
  // The watermark kept term and vote (restored at load) and the last position acknowledged.
  const lastTerm = cluster.stored.get(2)?.entries.at(-1)?.term ?? 0;
  cluster.stored.set(2, {
    hardState: { ...emptyHardState, term: acknowledged.term, votedFor: acknowledged.votedFor },
    snapshot: null,
    entries: [],
  });
  const floor = { index: acknowledged.lastIndex, term: lastTerm };
  cluster.start(2, protect ? floor : undefined);
  cluster.start(3);
  return { cluster, committed };
}

describe('a store that lost acknowledged entries', () => {
  it('withholds its vote, so no leader without the entries is elected, and catches up', () => {
    const { cluster, committed } = lossSchedule(true);
    expect(cluster.node(2).status().recovering).toBe(true);
    cluster.tickAll(300);
    expect(cluster.leader(), 'node 3 must not win with 2 recovering').toBeNull();
    cluster.start(1);
    cluster.tickAll(300);
    const leader = cluster.leader();
    expect(leader).toBe(1);
    expect(cluster.node(2).status().recovering).toBe(false);
    expect(cluster.node(2).status().lastIndex).toBe(cluster.node(1).status().lastIndex);
    expect(cluster.node(3).status().commitIndex).toBeGreaterThanOrEqual(committed);
    expect(cluster.appliedTexts(3)).toEqual(['w0', 'w1', 'w2', 'w3', 'w4']);
  });

  it('without the protection, loses committed entries (the failure the floor prevents)', () => {
    const { cluster, committed } = lossSchedule(false);
    cluster.tickAll(300);
    const leader = cluster.leader();
    expect(leader).toBe(3);
    expect(cluster.node(3).status().lastIndex).toBeLessThan(committed);
  });

  it('is caught up by a leader that still holds its old matchIndex', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.campaign(1);
    for (let i = 0; i < 4; i++) cluster.propose(1, `a${i}`);
    const before = cluster.node(2).status();
    cluster.stop(2);
    // 2's store rolls back to its first two entries (a damaged WAL replays only a prefix).
    const stored = cluster.stored.get(2)!;
    stored.entries = stored.entries.slice(0, 2);
    const floor = { index: before.lastIndex, term: before.term };
    cluster.start(2, floor);
    for (let i = 0; i < 3; i++) cluster.propose(1, `b${i}`);
    cluster.tickAll(50);
    const leader = cluster.node(1).status();
    expect(leader.role).toBe('leader');
    expect(leader.term, 'the same leader, whose progress predates the loss').toBe(before.term);
    expect(cluster.node(2).status()).toMatchObject({
      recovering: false,
      lastIndex: leader.lastIndex,
      commitIndex: leader.commitIndex,
    });
  });

  it('is caught up by an idle leader, whose old matchIndex says nothing is missing', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.campaign(1);
    for (let i = 0; i < 4; i++) cluster.propose(1, `a${i}`);
    const before = cluster.node(2).status();
    cluster.stop(2);
    cluster.stored.get(2)!.entries = [];
    cluster.start(2, { index: before.lastIndex, term: before.term });
    // No proposal follows: only heartbeats reach node 2, and its replies must ask for a probe.
    cluster.tickAll(50);
    expect(cluster.node(1).status()).toMatchObject({ role: 'leader', term: before.term });
    expect(cluster.node(2).status()).toMatchObject({
      recovering: false,
      lastIndex: before.lastIndex,
      commitIndex: cluster.node(1).status().commitIndex,
    });
  });

  it('refuses PreVote and vote requests while recovering, and never campaigns', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.campaign(1);
    cluster.propose(1, 'x');
    const status = cluster.node(2).status();
    cluster.stop(2);
    cluster.stored.get(2)!.entries = [];
    cluster.start(2, { index: status.lastIndex, term: status.term });
    cluster.stop(1);
    cluster.stop(3);
    const node = cluster.node(2);
    for (let i = 0; i < 500; i++) node.tick();
    expect(node.status().role).toBe('follower');
    node.step({
      type: 'RequestVote',
      from: 3,
      to: 2,
      term: status.term + 1,
      preVote: false,
      lastLogIndex: 0,
      lastLogTerm: 0,
      transfer: false,
    });
    const ready = node.ready();
    const replies = [...ready.messagesBeforeSave, ...ready.messagesAfterSave].filter(
      (m) => m.type === 'RequestVoteReply',
    );
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ voteGranted: false });
  });

  it('grants its vote to a candidate whose log reaches what it had acknowledged', () => {
    // Two stores lose entries at once, the third keeps everything: the intact node must still
    // be electable, or the cluster would stay without a leader although no entry is gone.
    const cluster = new TestCluster([1, 2, 3]);
    cluster.campaign(1);
    for (let i = 0; i < 3; i++) cluster.propose(1, `c${i}`);
    const acknowledged = cluster.node(2).status();
    const floor = { index: acknowledged.lastIndex, term: acknowledged.term };
    for (const id of [1, 2] as const) {
      cluster.stop(id);
      cluster.stored.get(id)!.entries = [];
    }
    cluster.start(1, floor);
    cluster.start(2, floor);
    cluster.tickAll(300);
    expect(cluster.leader(), 'only node 3 holds the entries, and it must win').toBe(3);
    for (const id of [1, 2]) expect(cluster.node(id).status().recovering).toBe(false);
    expect(cluster.node(1).status().lastIndex).toBe(cluster.node(3).status().lastIndex);
    expect(cluster.appliedTexts(3)).toEqual(['c0', 'c1', 'c2']);
  });

  it('refuses a candidate one entry short of what it had acknowledged', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.campaign(1);
    cluster.propose(1, 'x');
    const status = cluster.node(2).status();
    cluster.stop(2);
    cluster.stored.get(2)!.entries = [];
    cluster.start(2, { index: status.lastIndex, term: status.term });
    const node = cluster.node(2);
    const ask = (lastLogIndex: number) => {
      node.step({
        type: 'RequestVote',
        from: 3,
        to: 2,
        term: status.term + 1 + lastLogIndex,
        preVote: true,
        lastLogIndex,
        lastLogTerm: status.term,
        transfer: false,
      });
      const ready = node.ready();
      return [...ready.messagesBeforeSave, ...ready.messagesAfterSave].find(
        (m) => m.type === 'RequestVoteReply',
      );
    };
    expect(ask(status.lastIndex - 1)).toMatchObject({ voteGranted: false });
    expect(ask(status.lastIndex)).toMatchObject({ voteGranted: true });
  });
});
