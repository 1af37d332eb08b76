// Goal: table tests for the pieces with arithmetic in them: quorum math, progress flow control
// and the log's append/conflict/compaction rules. Method: it.each over small literal tables.
import {
  bootstrapConfig,
  committedIndex,
  type Entry,
  Progress,
  quorumSize,
  RaftLog,
  tallyVotes,
} from '@kvraft/raft-core';
import { describe, expect, it } from 'vitest';

const e = (index: number, term: number): Entry => ({
  index,
  term,
  kind: 'command',
  data: new Uint8Array([index]),
});
const logOf = (...terms: number[]) =>
  new RaftLog({ snapshot: null, entries: terms.map((t, i) => e(i + 1, t)), commitIndex: 0 });

describe('quorum', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 3],
    [7, 4],
  ])('a cluster of %i voters needs %i for a majority', (voters, quorum) => {
    expect(quorumSize(voters)).toBe(quorum);
  });

  it.each([
    [[5, 4, 3], 4],
    [[1, 1, 9], 1],
    [[7], 7],
    [[3, 3, 2, 2, 1], 2],
    [[10, 9, 8, 1, 0], 8],
  ])('matchIndexes %j commit %i', (matches, commit) => {
    expect(committedIndex(matches)).toBe(commit);
  });

  it.each([
    [[true, true, undefined], 'won'],
    [[true, false, false], 'lost'],
    [[true, undefined, undefined], 'pending'],
    [[true, false, undefined, undefined, true], 'pending'],
    [[true, false, false, false, true], 'lost'],
  ] as const)('votes %j tally as %s', (votes, result) => {
    const ids = votes.map((_, i) => i + 1);
    const map = new Map<number, boolean>();
    votes.forEach((v, i) => {
      if (v !== undefined) map.set(i + 1, v);
    });
    expect(tallyVotes(ids, map)).toBe(result);
  });
});

describe('progress', () => {
  it('probe sends one message, then pauses until a reply', () => {
    const pr = new Progress(5, 4);
    expect(pr.isPaused()).toBe(false);
    pr.sent(5, 1);
    expect(pr.isPaused()).toBe(true);
    expect(pr.maybeUpdate(5)).toBe(true);
    expect(pr.isPaused()).toBe(false);
  });

  it('replicate pipelines up to the in-flight cap and frees slots on acks', () => {
    const pr = new Progress(1, 2);
    pr.becomeReplicate();
    pr.sent(3, 3);
    pr.sent(6, 3);
    expect(pr.isPaused()).toBe(true);
    expect(pr.nextIndex).toBe(7);
    pr.maybeUpdate(3);
    expect(pr.isPaused()).toBe(false);
    expect(pr.matchIndex).toBe(3);
  });

  it('snapshot state pauses until the snapshot is acknowledged', () => {
    const pr = new Progress(1, 2);
    pr.becomeSnapshot(10);
    expect(pr.isPaused()).toBe(true);
    pr.becomeProbe(11);
    expect(pr.nextIndex).toBe(11);
    expect(pr.isPaused()).toBe(false);
  });
});

describe('raft log', () => {
  interface AppendCase {
    readonly name: string;
    readonly terms: number[];
    readonly prev: [index: number, term: number];
    readonly entries: Entry[];
    /** Either the resulting last index and log terms, or the conflict hint [term, index]. */
    readonly expected: { last: number; terms: number[] } | { hint: [number, number] };
  }
  const appendCases: AppendCase[] = [
    {
      name: 'appends after a matching prev',
      terms: [1, 1],
      prev: [2, 1],
      entries: [e(3, 2)],
      expected: { last: 3, terms: [1, 1, 2] },
    },
    {
      name: 'ignores entries it already has',
      terms: [1, 1, 2],
      prev: [1, 1],
      entries: [e(2, 1)],
      expected: { last: 2, terms: [1, 1, 2] },
    },
    {
      name: 'truncates a conflicting suffix',
      terms: [1, 1, 1, 1],
      prev: [2, 1],
      entries: [e(3, 2)],
      expected: { last: 3, terms: [1, 1, 2] },
    },
    {
      name: 'rejects a missing prev with lastIndex+1',
      terms: [1],
      prev: [3, 1],
      entries: [],
      expected: { hint: [0, 2] },
    },
    {
      name: 'rejects a term mismatch with the first index of that term',
      terms: [1, 2, 2, 2],
      prev: [4, 3],
      entries: [],
      expected: { hint: [2, 2] },
    },
  ];
  it.each(appendCases)('$name', ({ terms, prev, entries, expected }) => {
    const log = logOf(...terms);
    const result = log.maybeAppend(prev[0], prev[1], entries);
    if ('last' in expected) {
      expect(result).toEqual({ ok: true, lastNewIndex: expected.last });
      expect(log.retained().map((x) => x.term)).toEqual(expected.terms);
    } else {
      expect(result).toEqual({
        ok: false,
        conflictTerm: expected.hint[0],
        conflictIndex: expected.hint[1],
      });
    }
  });

  it('records a truncation of persisted entries for the next Ready', () => {
    const log = logOf(1, 1, 1);
    log.maybeAppend(1, 1, [e(2, 2)]);
    expect(log.pendingTruncateFrom).toBe(2);
    expect(log.persistedIndex).toBe(1);
    expect(log.unstableEntries().map((x) => x.index)).toEqual([2]);
  });

  it('commits only entries of the given term', () => {
    const log = logOf(1, 2);
    expect(log.maybeCommit(1, 2)).toBe(false);
    expect(log.maybeCommit(2, 2)).toBe(true);
    expect(log.commitIndex).toBe(2);
  });

  it('refuses to truncate committed entries', () => {
    const log = logOf(1, 1, 1);
    log.commitTo(3);
    expect(() => log.maybeAppend(1, 1, [e(2, 2)])).toThrow(/committed/);
  });

  it('compaction keeps the suffix and remembers the snapshot term', () => {
    const log = logOf(1, 1, 2, 2);
    log.commitTo(4);
    log.appliedIndex = 3;
    log.compact(3, new Uint8Array([9]), bootstrapConfig([1, 2, 3]));
    expect(log.firstIndex()).toBe(4);
    expect(log.snapshot?.config).toEqual(bootstrapConfig([1, 2, 3]));
    expect(log.term(3)).toBe(2);
    expect(log.term(2)).toBeUndefined();
    expect(log.retained().map((x) => x.index)).toEqual([4]);
  });

  it('restoring a snapshot empties the log and schedules its installation', () => {
    const log = logOf(1, 1);
    log.restore({ index: 10, term: 3, data: new Uint8Array() });
    expect(log.lastIndex()).toBe(10);
    expect(log.commitIndex).toBe(10);
    expect(log.pendingApplySnapshot?.index).toBe(10);
    expect(log.pendingTruncateFrom).toBe(11);
  });
});
