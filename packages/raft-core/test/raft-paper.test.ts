// Goal: one test per safety claim and key rule of the Raft paper (Figure 3, §5, §7, §8) and the
// thesis extensions we implement (PreVote §9.6, CheckQuorum §6.2, ReadIndex §6.4, transfer §3.10).
// Method: a synchronous TestCluster of RawNodes; faults are cut links and dropped messages.
// Tests that force an election while a leader's lease is still fresh turn CheckQuorum off:
// with it on, followers rightly ignore such a candidate (thesis §6.2), which the last
// describe block tests on its own.
import type { Message } from '@kvraft/raft-core';
import { describe, expect, it } from 'vitest';
import { TestCluster } from './support/cluster.ts';

const text = (s: string) => new TextEncoder().encode(s);
const noLease = { checkQuorum: false };

describe('Raft paper claims', () => {
  it('Election Safety: at most one leader is elected in a term (§5.2)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const c = new TestCluster([1, 2, 3, 4, 5], { preVote: false }, seed);
      // Everyone times out at once: split votes happen, but never two leaders in one term.
      for (let round = 0; round < 200; round++) {
        for (const node of c.nodes.values()) node.tick();
        c.stabilize();
        const leadersByTerm = new Map<number, number>();
        for (const node of c.nodes.values()) {
          const s = node.status();
          if (s.role === 'leader') leadersByTerm.set(s.term, (leadersByTerm.get(s.term) ?? 0) + 1);
        }
        for (const count of leadersByTerm.values()) expect(count).toBe(1);
      }
      expect(c.leader()).not.toBeNull();
    }
  });

  it('Leader Append-Only: a leader never overwrites or deletes its entries (§5.3)', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.isolate(1);
    for (const s of ['a', 'b']) c.propose(1, s);
    const before = c
      .node(1)
      .logEntries()
      .map((e) => `${e.term}/${e.index}`);
    c.tickAll(5);
    const after = c
      .node(1)
      .logEntries()
      .map((e) => `${e.term}/${e.index}`);
    expect(after.slice(0, before.length)).toEqual(before);
  });

  it('Log Matching: equal index and term imply identical prefixes (§5.3)', () => {
    const c = new TestCluster([1, 2, 3, 4, 5], noLease);
    c.campaign(1);
    c.propose(1, 'x');
    c.isolate(1);
    c.propose(1, 'lost-1');
    c.propose(1, 'lost-2');
    c.campaign(2);
    c.propose(2, 'y');
    c.heal();
    c.tickAll(40);
    const logs = [...c.nodes.values()].map((n) => n.logEntries());
    for (const a of logs) {
      for (const b of logs) {
        for (const ea of a) {
          const eb = b.find((e) => e.index === ea.index);
          if (eb === undefined || eb.term !== ea.term) continue;
          const prefixA = a.filter((e) => e.index <= ea.index).map((e) => `${e.term}/${e.index}`);
          const prefixB = b.filter((e) => e.index <= ea.index).map((e) => `${e.term}/${e.index}`);
          expect(prefixA).toEqual(prefixB);
        }
      }
    }
    expect(c.appliedTexts(1)).toEqual(['x', 'y']);
  });

  it('Leader Completeness: a committed entry is in the log of every later leader (§5.4)', () => {
    const c = new TestCluster([1, 2, 3, 4, 5], noLease);
    c.campaign(1);
    // Only 1, 2 and 3 (a majority) receive the entry; 4 and 5 miss it.
    c.isolate(4);
    c.isolate(5);
    c.propose(1, 'committed');
    const committed = c.node(1).status().commitIndex;
    expect(c.node(4).status().lastIndex).toBeLessThan(committed);
    c.heal();
    c.isolate(1);
    for (const id of [4, 5, 2, 3]) c.campaign(id);
    c.tickAll(30);
    const leader = c.leader();
    expect(leader).not.toBeNull();
    expect(leader).not.toBe(1);
    const entry = c
      .node(leader!)
      .logEntries()
      .find((e) => e.index === committed);
    expect(entry && new TextDecoder().decode(entry.data)).toBe('committed');
  });

  it('State Machine Safety: no two nodes apply different entries at one index (§5.4.3)', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.propose(1, 'a');
    c.isolate(3);
    c.propose(1, 'b');
    c.heal();
    c.propose(1, 'c');
    c.tickAll(15);
    const applied = [1, 2, 3].map((id) => c.applied.get(id)!.map((e) => `${e.term}/${e.index}`));
    expect(applied[1]).toEqual(applied[0]);
    expect(applied[2]).toEqual(applied[0]);
    expect(c.appliedTexts(3)).toEqual(['a', 'b', 'c']);
  });

  it('a voter refuses a candidate whose log is less up-to-date (§5.4.1)', () => {
    const c = new TestCluster([1, 2, 3], noLease);
    c.campaign(1);
    c.isolate(3);
    c.propose(1, 'a');
    c.heal();
    c.isolate(1);
    // Node 3 lacks 'a': node 2 must refuse it, so node 3 cannot win.
    c.campaign(3);
    expect(c.node(3).status().role).not.toBe('leader');
    c.campaign(2);
    expect(c.leader()).toBe(2);
  });

  it('a leader commits only entries of its own term by counting replicas (§5.4.2, Figure 8)', () => {
    const c = new TestCluster([1, 2, 3, 4, 5], { checkQuorum: false, preVote: false });
    c.campaign(1);
    // Term 1 leader replicates 'old' to node 2 only.
    for (const id of [3, 4, 5]) c.cutLink(1, id);
    c.propose(1, 'old');
    const oldIndex = c.node(1).status().lastIndex;
    expect(c.node(1).status().commitIndex).toBeLessThan(oldIndex);
    // Node 1 is re-elected in a later term and replicates 'old' to node 3 before its no-op.
    c.heal();
    c.isolate(1);
    c.campaign(5);
    c.heal();
    c.isolate(5);
    c.dropFilter = (m: Message) =>
      m.type === 'AppendEntries' &&
      m.entries.some((e) => e.kind === 'noop' && e.term > 1) &&
      m.to !== 3;
    c.campaign(1);
    // Even if 'old' reaches a majority, it is not committed by count until an entry of the
    // current term is.
    const s = c.node(1).status();
    if (s.role === 'leader') expect(c.node(1).status().commitIndex).toBeLessThan(oldIndex);
    c.dropFilter = () => false;
    c.heal();
    c.tickAll(30);
    const leader = c.leader()!;
    expect(c.node(leader).status().commitIndex).toBeGreaterThanOrEqual(oldIndex);
  });

  it('a follower backs up a long conflicting suffix in few round trips (§5.3 fast backup)', () => {
    const c = new TestCluster([1, 2, 3], noLease);
    c.campaign(1);
    c.isolate(1);
    for (let i = 0; i < 50; i++) c.node(1).propose(text(`stale-${i}`));
    c.stabilize();
    c.campaign(2);
    for (let i = 0; i < 50; i++) c.node(2).propose(text(`fresh-${i}`));
    c.stabilize();
    c.heal();
    const before = c.sent.length;
    c.tickAll(12);
    const rejections = c.sent
      .slice(before)
      .filter((m) => m.type === 'AppendEntriesReply' && !m.success);
    expect(rejections.length).toBeLessThanOrEqual(3);
    expect(c.appliedTexts(1)).toEqual(c.appliedTexts(2));
    expect(c.appliedTexts(1)).toHaveLength(50);
  });
});

describe('Thesis extensions', () => {
  it('PreVote: a partitioned node does not inflate its term and disrupts nobody on return (§9.6)', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.isolate(3);
    for (let i = 0; i < 200; i++) c.node(3).tick();
    c.stabilize();
    expect(c.node(3).status().term).toBe(1);
    c.heal();
    c.tickAll(40);
    expect(c.leader()).toBe(1);
    expect(c.node(1).status().term).toBe(1);
  });

  it('CheckQuorum: a leader that loses its majority steps down (§6.2)', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.isolate(1);
    for (let i = 0; i < 70; i++) c.node(1).tick();
    c.stabilize();
    expect(c.node(1).status().role).toBe('follower');
  });

  it('ReadIndex: a leader answers only after a majority confirms its leadership (§6.4)', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.propose(1, 'a');
    c.isolate(1);
    expect(c.node(1).readIndex(7)).toBe(true);
    c.stabilize();
    expect(c.readStates.get(1)).toEqual([]);
    c.heal();
    c.tickAll(12);
    expect(c.readStates.get(1)).toEqual([{ context: 7, index: c.node(1).status().commitIndex }]);
  });

  it('ReadIndex: a follower refuses reads', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    expect(c.node(2).readIndex(1)).toBe(false);
  });

  it('leadership transfer hands over to a caught-up follower with TimeoutNow (§3.10)', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.propose(1, 'a');
    expect(c.node(1).transferLeadership(3)).toBe(true);
    c.stabilize();
    expect(c.leader()).toBe(3);
    expect(c.node(1).propose(text('b')).ok).toBe(false);
  });
});

describe('Snapshots (§7)', () => {
  it('a lagging follower catches up by InstallSnapshot and never applies backwards', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.isolate(3);
    for (let i = 0; i < 20; i++) c.propose(1, `v${i}`);
    for (const id of [1, 2]) {
      const applied = c.node(id).status().appliedIndex;
      c.node(id).snapshot(applied, text(`state@${applied}`));
    }
    c.stabilize();
    c.heal();
    c.tickAll(15);
    const s3 = c.node(3).status();
    expect(c.installed.get(3)!.map((s) => s.index)).toEqual([s3.snapshotIndex]);
    expect(s3.appliedIndex).toBe(c.node(1).status().commitIndex);
    c.propose(1, 'after');
    c.tickAll(12);
    const snapshotIndex = s3.snapshotIndex;
    const applied3 = c.applied
      .get(3)!
      .map((e) => e.index)
      .filter((i) => i > snapshotIndex);
    expect(applied3[0]).toBe(snapshotIndex + 1);
    applied3.forEach((index, i) => {
      if (i > 0) expect(index).toBe(applied3[i - 1]! + 1);
    });
    expect(applied3[applied3.length - 1]).toBe(c.node(1).status().lastIndex);
  });

  it('a restarted node resumes from its snapshot and the rest of its log', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    for (let i = 0; i < 5; i++) c.propose(1, `v${i}`);
    c.tickAll(12);
    c.node(2).snapshot(3, text('s3'));
    c.stabilize();
    const restarted = c.start(2);
    const s = restarted.status();
    expect(s.snapshotIndex).toBe(3);
    expect(s.lastIndex).toBe(c.node(1).status().lastIndex);
    expect(s.appliedIndex).toBe(3);
  });
});
