// Goal: the swarm's invariant checker really catches each safety violation it claims to (a
// checker that never fires proves nothing). Method: feed RaftInvariants a fake cluster of hand-
// written node states, one violation per test, and expect the matching error; a consistent
// history must pass.
import { bootstrapConfig, type Entry, encodeConfigState, type NodeStatus } from '@kvraft/raft-core';
import { describe, expect, it } from 'vitest';
import { type RaftCluster, RaftInvariants } from '../src/index.ts';

interface FakeNode {
  status: Partial<NodeStatus>;
  log: Entry[];
}

function entry(index: number, term: number, text: string): Entry {
  return { index, term, kind: 'command', data: new TextEncoder().encode(text) };
}

function fakeCluster(nodes: FakeNode[]): RaftCluster {
  const base: NodeStatus = {
    id: 0,
    role: 'follower',
    term: 1,
    votedFor: null,
    leaderId: null,
    commitIndex: 0,
    appliedIndex: 0,
    persistedIndex: 0,
    lastIndex: 0,
    snapshotIndex: 0,
    snapshotTerm: 0,
    config: bootstrapConfig([0, 1]),
    configIndex: 0,
    recovering: false,
  };
  const live = nodes.map((fake) => ({
    status: (): NodeStatus => ({ ...base, lastIndex: fake.log.length, ...fake.status }),
    logEntries: (): readonly Entry[] => fake.log,
  }));
  return { n: nodes.length, nodes: live, generation: () => 1 } as unknown as RaftCluster;
}

describe('RaftInvariants', () => {
  it('catches two nodes with different configurations at the same applied index', () => {
    const nodes = [
      { status: { appliedIndex: 3 }, log: [] },
      { status: { appliedIndex: 3, config: bootstrapConfig([0, 1, 2]) }, log: [] },
    ];
    expect(() => new RaftInvariants(fakeCluster(nodes)).check()).toThrow(/configuration at/);
  });

  it('catches a configuration that is not the one its own applied log names', () => {
    const data = encodeConfigState(bootstrapConfig([0, 1, 2]));
    const log: Entry[] = [entry(1, 1, 'a'), { index: 2, term: 1, kind: 'config', data }];
    const nodes = [{ status: { appliedIndex: 2, commitIndex: 2, configIndex: 2 }, log }];
    expect(() => new RaftInvariants(fakeCluster(nodes)).check()).toThrow(/log's config entry/);
  });

  it('accepts consistent logs, commits and one leader per term', () => {
    const log = [entry(1, 1, 'a'), entry(2, 1, 'b')];
    const nodes = [
      { status: { role: 'leader' as const, commitIndex: 2 }, log },
      { status: { commitIndex: 1 }, log: log.slice() },
    ];
    const invariants = new RaftInvariants(fakeCluster(nodes));
    invariants.check();
    invariants.check();
    expect(invariants.checkCount).toBe(2);
  });

  it('catches two leaders in one term', () => {
    const nodes = [
      { status: { role: 'leader' as const }, log: [] },
      { status: { role: 'leader' as const }, log: [] },
    ];
    expect(() => new RaftInvariants(fakeCluster(nodes)).check()).toThrow(/two leaders/);
  });

  it('catches a Log Matching violation (same index and term, different command)', () => {
    const nodes = [
      { status: {}, log: [entry(1, 1, 'a')] },
      { status: {}, log: [entry(1, 1, 'b')] },
    ];
    expect(() => new RaftInvariants(fakeCluster(nodes)).check()).toThrow(/Log Matching/);
  });

  it('catches a Log Matching violation in the prefix (same entry after different terms)', () => {
    const nodes = [
      { status: {}, log: [entry(1, 1, 'a'), entry(2, 3, 'c')] },
      { status: {}, log: [entry(1, 2, 'b'), entry(2, 3, 'c')] },
    ];
    expect(() => new RaftInvariants(fakeCluster(nodes)).check()).toThrow(/follows term/);
  });

  it('catches a leader that lacks a committed entry (Leader Completeness)', () => {
    const nodes: FakeNode[] = [
      { status: { commitIndex: 2 }, log: [entry(1, 1, 'a'), entry(2, 1, 'b')] },
      { status: {}, log: [entry(1, 1, 'a')] },
    ];
    const invariants = new RaftInvariants(fakeCluster(nodes));
    invariants.check();
    nodes[1]!.status = { role: 'leader', term: 2 };
    expect(() => invariants.check()).toThrow(/lacks committed index 2/);
  });

  it('catches two different entries committed at one index', () => {
    const nodes: FakeNode[] = [
      { status: { commitIndex: 1 }, log: [entry(1, 1, 'a')] },
      { status: { commitIndex: 1 }, log: [entry(1, 2, 'b')] },
    ];
    expect(() => new RaftInvariants(fakeCluster(nodes)).check()).toThrow(/committed as term/);
  });

  it('catches a commit index that goes backwards within one incarnation', () => {
    const nodes: FakeNode[] = [
      { status: { commitIndex: 2 }, log: [entry(1, 1, 'a'), entry(2, 1, 'b')] },
    ];
    const invariants = new RaftInvariants(fakeCluster(nodes));
    invariants.check();
    nodes[0]!.status = { commitIndex: 1 };
    expect(() => invariants.check()).toThrow(/commitIndex fell/);
  });
});
