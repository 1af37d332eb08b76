// Goal: the pure core elects a leader, replicates, commits and applies in a three-node cluster.
// Method: a synchronous TestCluster; one node campaigns, then proposals are stabilized.
import { describe, expect, it } from 'vitest';
import { TestCluster } from './support/cluster.ts';

describe('RawNode in a three-node cluster', () => {
  it('elects the node that campaigns first and commits its no-op', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    expect(c.leader()).toBe(1);
    for (const id of [1, 2, 3]) expect(c.node(id).status().term).toBe(1);
    expect(c.node(1).status().commitIndex).toBe(1);
  });

  it('replicates and applies proposals on every node in order', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    for (const text of ['a', 'b', 'c']) expect(c.propose(1, text).ok).toBe(true);
    c.tickAll(12);
    for (const id of [1, 2, 3]) expect(c.appliedTexts(id)).toEqual(['a', 'b', 'c']);
  });
});
