// Goal: GroupCommit coalesces items that arrive while a write is in flight, keeps call order,
// and fails stop after a write error. Method: a fake writer that records batches and can be held.

import { GroupCommit } from '@kvraft/raft-core/persister-kit';
import { describe, expect, it } from 'vitest';

describe('GroupCommit', () => {
  it('writes items submitted in one tick together, and items arriving mid-write in the next batch', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const commits = new GroupCommit<number>(
      (items) => {
        batches.push([...items]);
        return batches.length === 1
          ? new Promise<void>((resolve) => {
              release = resolve;
            })
          : undefined;
      },
      { batchItemsMax: 100, failure: (cause) => new Error('failed', { cause }) },
    );
    const resolved: number[] = [];
    const first = [1, 2, 3].map((n) => commits.submit(n).then(() => resolved.push(n)));
    await new Promise<void>((resolve) => setImmediate(resolve));
    const second = [4, 5].map((n) => commits.submit(n).then(() => resolved.push(n)));
    release();
    await Promise.all([...first, ...second]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(resolved).toEqual([1, 2, 3, 4, 5]);
  });

  it('splits a long queue into batches of at most batchItemsMax', async () => {
    const batches: number[] = [];
    const commits = new GroupCommit<number>((items) => void batches.push(items.length), {
      batchItemsMax: 4,
      failure: (cause) => new Error('failed', { cause }),
    });
    await Promise.all(Array.from({ length: 10 }, (_, i) => commits.submit(i)));
    expect(batches).toEqual([4, 4, 2]);
  });

  it('rejects the failed batch, the queue and every later item after a write error', async () => {
    const commits = new GroupCommit<number>(
      () => {
        throw new Error('disk full');
      },
      { batchItemsMax: 2, failure: (cause) => new Error('store failed', { cause }) },
    );
    const results = await Promise.allSettled([1, 2, 3].map((n) => commits.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await expect(commits.submit(4)).rejects.toThrow('store failed');
    await commits.drain();
  });
});
