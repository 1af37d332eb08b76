// Goal: MemoryPersister satisfies the Persister contract and has the simulator's crash semantics.
// Method: the shared contract suite (reopen = copy), plus direct tests of copy() isolation and of
// saves still waiting for their injected delay when a copy is taken.
import { AssertionError } from '@kvraft/raft-core';
import { makeEntries, persisterContractSuite } from '@kvraft/raft-core/testing';
import { describe, expect, it } from 'vitest';
import { MemoryPersister } from '../src/index.ts';

persisterContractSuite('MemoryPersister', {
  open: async () => new MemoryPersister(),
  reopen: async (closed) => (closed as MemoryPersister).copy(),
});

describe('MemoryPersister crash semantics', () => {
  it('gives a copy that later saves to either store do not affect', async () => {
    const original = new MemoryPersister();
    await original.save({ entries: makeEntries(1, 3) });
    const copy = original.copy();
    await original.save({ truncateFrom: 2, entries: makeEntries(2, 1, 2) });
    await copy.save({ entries: makeEntries(4, 1) });
    expect((await copy.load()).entries.map((e) => [e.index, e.term])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
    expect((await original.load()).entries.map((e) => [e.index, e.term])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(copy.raftStateSize()).not.toBe(original.raftStateSize());
  });

  it('keeps its own bytes when the caller mutates a saved or loaded buffer', async () => {
    const store = new MemoryPersister();
    const data = Uint8Array.of(1, 2, 3);
    await store.save({ entries: [{ index: 1, term: 1, kind: 'command', data }] });
    data[0] = 9;
    const loaded = await store.load();
    loaded.entries[0]!.data[1] = 9;
    expect([...(await store.load()).entries[0]!.data]).toEqual([1, 2, 3]);
  });

  it('loses a save still waiting for its delay when a copy is taken, as a crash would', async () => {
    const releases: Array<() => void> = [];
    const store = new MemoryPersister({
      saveDelay: () => new Promise<void>((resolve) => releases.push(resolve)),
    });
    const first = store.save({ entries: makeEntries(1, 1) });
    await Promise.resolve();
    releases.shift()!();
    await first;
    const second = store.save({ entries: makeEntries(2, 1) });
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    const crashed = store.copy();
    releases.shift()!();
    await second;
    expect((await crashed.load()).entries.map((e) => e.index)).toEqual([1]);
    expect((await store.load()).entries.map((e) => e.index)).toEqual([1, 2]);
  });

  it('applies delayed saves in call order even when later delays finish first', async () => {
    const releases: Array<() => void> = [];
    const store = new MemoryPersister({
      saveDelay: () => new Promise<void>((resolve) => releases.push(resolve)),
    });
    const saves = [1, 2, 3].map((index) => store.save({ entries: makeEntries(index, 1) }));
    for (let round = 0; round < 3; round++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      releases.pop()!();
    }
    await Promise.all(saves);
    expect((await store.load()).entries.map((e) => e.index)).toEqual([1, 2, 3]);
  });

  it('rejects an invalid delayed save and still applies the saves after it', async () => {
    const store = new MemoryPersister({ saveDelay: () => Promise.resolve() });
    const bad = store.save({ entries: makeEntries(5, 1) });
    const good = store.save({ entries: makeEntries(1, 1) });
    await expect(bad).rejects.toBeInstanceOf(AssertionError);
    await good;
    expect(store.raftStateSize()).toBe(24 + 21 + 8);
  });

  it('refuses calls after close but can still be copied', async () => {
    const store = new MemoryPersister();
    await store.save({ entries: makeEntries(1, 2) });
    await store.close();
    expect(() => store.save({})).toThrow(AssertionError);
    expect((await store.copy().load()).entries).toHaveLength(2);
  });
});
