// Goal: the ack watermark turns every silent rollback of a store into a known loss, and never
// mistakes an ordinary crash for one. Method: a model-backed Persister (PersistModel) wrapped in
// WatermarkedPersister with a MemoryWatermarkStore; random save sequences from the contract
// workload; rollbacks are the model cloned at an earlier save, crashes are the model one save
// ahead of the watermark (the store's commit happened, the watermark write did not).
import {
  createPrng,
  lastLogPosition,
  type PersistedState,
  type Persister,
  type PersistUpdate,
} from '@kvraft/raft-core';
import {
  assessStore,
  MemoryWatermarkStore,
  TermRuns,
  WatermarkedPersister,
  watermarkOf,
} from '@kvraft/raft-core/persister-kit';
import { PersistModel } from '@kvraft/raft-core/testing';
import { describe, expect, it } from 'vitest';

/** A Persister over a PersistModel, whose model a test can roll back. */
class ModelPersister implements Persister {
  constructor(public model = new PersistModel()) {}
  async load(): Promise<PersistedState> {
    return this.model.state();
  }
  async save(update: PersistUpdate): Promise<void> {
    this.model.apply(update);
  }
  raftStateSize(): number {
    return 0;
  }
  snapshotSize(): number {
    return 0;
  }
  async close(): Promise<void> {}
}

// Saves as Raft makes them (the contract workload's are arbitrary): terms never go back, one
// vote per term (§5.2), a truncation always comes with entries of a newer term (§5.3), and a
// snapshot either compacts the log or replaces it with a newer one (§7). So every save moves
// the log's last position forward or leaves it, which the watermark relies on.
function randomUpdates(seed: number, count: number): PersistUpdate[] {
  const prng = createPrng(seed);
  const model = new PersistModel();
  const updates: PersistUpdate[] = [];
  let term = 1;
  const entries = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      index: from + i,
      term,
      kind: 'command' as const,
      data: new Uint8Array([i]),
    }));
  for (let i = 0; i < count; i++) {
    const last = model.lastIndex();
    const roll = prng.nextInt(100);
    let update: PersistUpdate;
    if (roll < 45) update = { entries: entries(last + 1, 1 + prng.nextInt(4)) };
    else if (roll < 60) {
      term++;
      update = {
        hardState: {
          term,
          votedFor: prng.nextInt(3) === 0 ? null : 1 + prng.nextInt(3),
          commitIndex: 0,
        },
      };
    } else if (roll < 75 && last > model.snapshotIndex() + 1) {
      term++;
      const from = model.snapshotIndex() + 1 + prng.nextInt(last - model.snapshotIndex());
      update = {
        truncateFrom: from,
        entries: entries(from, 1 + prng.nextInt(3)),
        hardState: { term, votedFor: null, commitIndex: 0 },
      };
    } else if (roll < 85 && last > model.snapshotIndex()) {
      const index = model.snapshotIndex() + 1 + prng.nextInt(last - model.snapshotIndex());
      const entryTerm = model.entries.find((e) => e.index === index)?.term ?? term;
      update = { snapshot: { index, term: entryTerm, data: new Uint8Array([1]) } };
    } else if (roll < 90) {
      term++;
      const index = last + 1 + prng.nextInt(5);
      update = {
        snapshot: { index, term, data: new Uint8Array([2]) },
        truncateFrom: index + 1,
        hardState: { term, votedFor: null, commitIndex: index },
      };
    } else update = { hardState: { term, votedFor: null, commitIndex: 0 } };
    if (update.hardState !== undefined) {
      const prior = model.state().hardState;
      const votedFor =
        prior.term === update.hardState.term && prior.votedFor !== null
          ? prior.votedFor
          : update.hardState.votedFor;
      update = { ...update, hardState: { ...update.hardState, votedFor, commitIndex: 0 } };
    }
    model.apply(update);
    updates.push(update);
  }
  return updates;
}

describe('TermRuns', () => {
  it('knows the last position after every save of random workloads', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const model = new PersistModel();
      const runs = TermRuns.of(model.state());
      for (const update of randomUpdates(seed, 300)) {
        model.apply(update);
        runs.apply(update);
        const state = model.state();
        expect(runs.last(), `seed ${seed}`).toEqual(lastLogPosition(state.snapshot, state.entries));
      }
    }
  });
});

describe('assessStore', () => {
  it('finds no loss without a watermark, or in a store one save ahead of it', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const model = new PersistModel();
      for (const update of randomUpdates(seed, 200)) {
        const before = watermarkOf(model.state());
        model.apply(update);
        expect(assessStore(model.state(), before).losses, `seed ${seed}`).toEqual([]);
      }
    }
    expect(assessStore(new PersistModel().state(), null).losses).toEqual([]);
  });

  it('finds every rollback that lost log position, term or vote, and restores term and vote', () => {
    let found = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const snapshots: PersistModel[] = [];
      const model = new PersistModel();
      for (const update of randomUpdates(seed, 150)) {
        snapshots.push(model.clone());
        model.apply(update);
      }
      const watermark = watermarkOf(model.state());
      for (const older of snapshots) {
        const assessment = assessStore(older.state(), watermark);
        const state = older.state();
        const last = lastLogPosition(state.snapshot, state.entries);
        const behind =
          last.term < watermark.last.term ||
          (last.term === watermark.last.term && last.index < watermark.last.index);
        expect(assessment.state.recovery !== undefined, `seed ${seed}`).toBe(behind);
        if (behind) expect(assessment.state.recovery).toEqual(watermark.last);
        expect(assessment.state.hardState.term).toBe(watermark.term);
        if (assessment.losses.length > 0) found++;
      }
    }
    expect(found).toBeGreaterThan(100);
  });
});

describe('WatermarkedPersister', () => {
  it('boots a rolled-back store with a recovery floor it keeps until the log is back', async () => {
    const inner = new ModelPersister();
    const marks = new MemoryWatermarkStore();
    const store = new WatermarkedPersister(inner, marks);
    await store.load();
    const entry = (index: number, term: number) => ({
      index,
      term,
      kind: 'command' as const,
      data: new Uint8Array([index]),
    });
    await store.save({
      hardState: { term: 2, votedFor: 1, commitIndex: 0 },
      entries: [entry(1, 2)],
    });
    const early = inner.model.clone();
    await store.save({ entries: [entry(2, 2), entry(3, 2)] });
    await store.save({ hardState: { term: 2, votedFor: 1, commitIndex: 3 } });
    await store.close();

    inner.model = early;
    const losses: string[] = [];
    const reopened = new WatermarkedPersister(inner, marks, {
      onLoss: (a) => losses.push(...a.losses),
    });
    const state = await reopened.load();
    expect(state.recovery).toEqual({ index: 3, term: 2 });
    expect(losses.join('; ')).toMatch(
      /ends at index 1 term 2, but index 3 term 2 was acknowledged/,
    );
    // A crash before catching up keeps the floor: the next boot still withholds the vote.
    await reopened.close();
    const again = await new WatermarkedPersister(inner, marks).load();
    expect(again.recovery).toEqual({ index: 3, term: 2 });
    const third = new WatermarkedPersister(inner, marks);
    await third.load();
    await third.save({ entries: [entry(2, 2), entry(3, 2)] });
    await third.close();
    const caughtUp = await new WatermarkedPersister(inner, marks).load();
    expect(caughtUp.recovery).toBeUndefined();
  });

  it('puts a lost term and vote back into the store', async () => {
    const inner = new ModelPersister();
    const marks = new MemoryWatermarkStore();
    const store = new WatermarkedPersister(inner, marks);
    await store.load();
    await store.save({ hardState: { term: 7, votedFor: 3, commitIndex: 0 } });
    await store.close();
    inner.model = new PersistModel();
    const state = await new WatermarkedPersister(inner, marks).load();
    expect(state.hardState).toMatchObject({ term: 7, votedFor: 3 });
    expect(inner.model.state().hardState).toMatchObject({ term: 7, votedFor: 3 });
  });

  it('writes nothing for commit-only saves, and once for a burst of concurrent saves', async () => {
    const marks = new MemoryWatermarkStore();
    const store = new WatermarkedPersister(new ModelPersister(), marks);
    await store.load();
    const base = marks.writes;
    await store.save({ hardState: { term: 1, votedFor: 1, commitIndex: 0 } });
    expect(marks.writes).toBe(base + 1);
    await store.save({ hardState: { term: 1, votedFor: 1, commitIndex: 0 } });
    expect(marks.writes).toBe(base + 1);
    const saves = [];
    for (let i = 1; i <= 20; i++) {
      saves.push(
        store.save({ entries: [{ index: i, term: 1, kind: 'noop', data: new Uint8Array() }] }),
      );
    }
    await Promise.all(saves);
    expect(marks.writes).toBeLessThan(base + 1 + 20);
    expect((await marks.read())?.last).toEqual({ index: 20, term: 1 });
  });

  it('shares one write among the saves that became durable while a write was in flight', async () => {
    // The store resolves saves one by one (each on its own tick, as a real group commit may),
    // while each watermark write takes a while: a chain of one write per save would need 64.
    const marks = new MemoryWatermarkStore();
    const slow = {
      read: () => marks.read(),
      close: () => marks.close(),
      write: async (w: Parameters<typeof marks.write>[0]) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await marks.write(w);
      },
    };
    const model = new ModelPersister();
    const staggered = {
      ...model,
      load: () => model.load(),
      save: async (update: Parameters<typeof model.save>[0]) => {
        await model.save(update);
        await new Promise((resolve) => setTimeout(resolve, 0));
      },
      raftStateSize: () => model.raftStateSize(),
      snapshotSize: () => model.snapshotSize(),
      close: () => model.close(),
    };
    const store = new WatermarkedPersister(staggered, slow);
    await store.load();
    const base = marks.writes;
    // 16 writers, each saving again as soon as its last save resolved (a busy leader's shape).
    let next = 1;
    const writer = async () => {
      for (let round = 0; round < 8; round++) {
        const index = next++;
        await store.save({ entries: [{ index, term: 1, kind: 'noop', data: new Uint8Array() }] });
      }
    };
    await Promise.all(Array.from({ length: 16 }, writer));
    const saves = next - 1;
    expect(marks.writes - base, `${marks.writes - base} writes for ${saves} saves`).toBeLessThan(
      saves / 4,
    );
    expect((await marks.read())?.last).toEqual({ index: saves, term: 1 });
  });

  it('resolves a save only after the watermark covering it is durable', async () => {
    let release = () => {};
    const marks = new MemoryWatermarkStore();
    const slow = {
      read: () => marks.read(),
      close: () => marks.close(),
      write: async (w: Parameters<typeof marks.write>[0]) => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        await marks.write(w);
      },
    };
    const store = new WatermarkedPersister(new ModelPersister(), slow);
    const loading = store.load();
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    await loading;
    let resolved = false;
    const save = store.save({ hardState: { term: 4, votedFor: 2, commitIndex: 0 } }).then(() => {
      resolved = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(resolved).toBe(false);
    release();
    await save;
    expect(resolved).toBe(true);
    expect((await marks.read())?.term).toBe(4);
  });
});
