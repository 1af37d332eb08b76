// Goal: the core, not the driver, says which messages may leave before a Ready's save, and a
// change of the commit index alone asks for no save (it is saved lazily). Method: a synchronous TestCluster whose onReady hook records every Ready; an election and a
// proposal, then the split of each node's messages.
import type { MessageType, NodeId, Ready } from '@kvraft/raft-core';
import { describe, expect, it } from 'vitest';
import { TestCluster } from './support/cluster.ts';

interface Observed {
  readonly id: NodeId;
  readonly ready: Ready;
}

function observe(c: TestCluster): Observed[] {
  const readys: Observed[] = [];
  c.onReady = (id, ready) => readys.push({ id, ready });
  return readys;
}

const typesOf = (readys: readonly Observed[], part: 'messagesBeforeSave' | 'messagesAfterSave') =>
  new Set<MessageType>(readys.flatMap(({ ready }) => ready[part].map((m) => m.type)));

describe('Ready contract', () => {
  it("lets a leader's AppendEntries leave before its own save (thesis §10.2.1)", () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    const readys = observe(c);
    c.propose(1, 'x');
    c.stabilize();
    const leader = readys.filter((r) => r.id === 1);
    const withEntries = leader.find((r) => r.ready.entries.length > 0);
    expect(withEntries?.ready.messagesBeforeSave.map((m) => m.type)).toEqual([
      'AppendEntries',
      'AppendEntries',
    ]);
    expect(withEntries?.ready.messagesAfterSave).toEqual([]);
  });

  it('keeps votes and follower acknowledgements until the save is durable (§5.2, §5.3)', () => {
    const c = new TestCluster([1, 2, 3]);
    const readys = observe(c);
    c.campaign(1);
    c.propose(1, 'x');
    c.stabilize();
    const followers = readys.filter((r) => r.id !== 1);
    const after = typesOf(followers, 'messagesAfterSave');
    expect(after.has('RequestVoteReply')).toBe(true);
    expect(after.has('AppendEntriesReply')).toBe(true);
    expect(typesOf(followers, 'messagesBeforeSave').size).toBe(0);
    // The candidate's RequestVote carries a term it must have saved first.
    expect(
      typesOf(
        readys.filter((r) => r.id === 1),
        'messagesAfterSave',
      ).has('RequestVote'),
    ).toBe(true);
  });

  it('asks for no save when only the commit index moved, and records it with the next save', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.stabilize();
    const readys = observe(c);
    c.propose(1, 'x');
    c.stabilize();
    const leader = readys.filter((r) => r.id === 1).map((r) => r.ready);
    const applying = leader.find((r) => r.committedEntries.length > 0);
    expect(applying?.committedEntries.map((e) => e.index)).toEqual([2]);
    expect(applying?.hardState).toBeNull();
    expect(applying?.entries).toEqual([]);
    readys.length = 0;
    c.propose(1, 'y');
    const next = readys.find((r) => r.id === 1 && r.ready.entries.length > 0)?.ready;
    expect(next?.hardState?.commitIndex).toBe(2);
  });
});
