// Goal: each storage fault does to a store exactly what its name says, leaves the original
// alone, and a node booting on the damaged store behind the ack watermark reports the loss,
// while an undamaged restart reports nothing (an ordinary crash must not trip the protection;
// FAST'18 PAR). Method: a MemoryPersister filled by hand, damaged once per fault kind; then a
// 3-node RaftCluster on the scheduler, one node stopped, damaged and restarted.
import { MemoryPersister } from '@kvraft/persister-memory';
import { createPrng, type Entry, emptyHardState } from '@kvraft/raft-core';
import { describe, expect, it } from 'vitest';
import {
  damageStore,
  RaftCluster,
  Scheduler,
  type StorageFault,
  schedulerLimitsDefault,
  storageFaultKinds,
} from '../src/index.ts';

function entry(index: number, term: number): Entry {
  return { index, term, kind: 'command', data: new Uint8Array([index]) };
}

async function filledStore(): Promise<MemoryPersister> {
  const store = new MemoryPersister();
  await store.save({
    entries: [entry(1, 1), entry(2, 1), entry(3, 2), entry(4, 2), entry(5, 3)],
    hardState: { term: 4, votedFor: 2, commitIndex: 5 },
  });
  return store;
}

describe('storage faults', () => {
  it('tail loses the last entries and no longer claims them committed', async () => {
    const saved = await filledStore();
    const damage = await damageStore(saved, { kind: 'tail', count: 2 });
    const state = await damage.store.load();
    expect(state.entries.map((e) => e.index)).toEqual([1, 2, 3]);
    expect(state.hardState).toEqual({ term: 4, votedFor: 2, commitIndex: 3 });
    expect(damage.before).toEqual({ index: 5, term: 3 });
    expect(damage.lostEntries).toBe(true);
    expect((await saved.load()).entries).toHaveLength(5);
  });

  it('wipe (a flipped record found at open) leaves an empty store', async () => {
    const damage = await damageStore(await filledStore(), { kind: 'wipe' });
    const state = await damage.store.load();
    expect(state).toEqual({ hardState: emptyHardState, snapshot: null, entries: [] });
    expect(damage.lostEntries).toBe(true);
  });

  it('hard-state forgets the vote and falls back to the term the log proves', async () => {
    const damage = await damageStore(await filledStore(), { kind: 'hard-state' });
    const state = await damage.store.load();
    expect(state.hardState).toEqual({ term: 3, votedFor: null, commitIndex: 0 });
    expect(state.entries).toHaveLength(5);
    expect(damage.lostEntries).toBe(false);
  });

  const faults: StorageFault[] = storageFaultKinds.map((kind) =>
    kind === 'tail' ? { kind, count: 3 } : { kind },
  );

  it.each(
    faults,
  )('a node restarted on a $kind-damaged store reports the loss at boot, only then', async (fault) => {
    const scheduler = new Scheduler();
    const seen: { undamaged: number; damaged: string[]; recovering: boolean } = {
      undamaged: -1,
      damaged: [],
      recovering: false,
    };
    await scheduler.run(async () => {
      const cluster = await RaftCluster.create({
        scheduler,
        prng: createPrng(5),
        serverCount: 3,
        unreliable: false,
        snapshot: false,
      });
      await cluster.one(101, 3, true);
      const leader = await cluster.checkOneLeader();
      const victim = (leader + 1) % 3;
      await cluster.one(102, 3, true);
      // An ordinary crash and restart: nothing lost, nothing reported.
      cluster.crash1(victim);
      await cluster.start1(victim);
      cluster.connect(victim);
      seen.undamaged = cluster.detectedLosses.length;
      await cluster.one(103, 3, true);
      cluster.crash1(victim);
      await cluster.damageStore(victim, fault);
      await cluster.start1(victim);
      seen.recovering = cluster.nodes[victim]!.status().recovering;
      seen.damaged = cluster.detectedLosses.flatMap((loss) => loss.losses);
      cluster.connect(victim);
      await cluster.one(104, 3, true);
      cluster.cleanup();
    }, schedulerLimitsDefault);
    expect(seen.undamaged).toBe(0);
    expect(seen.damaged.length).toBeGreaterThan(0);
    // Lost entries leave the node recovering; a lost term or vote is simply put back.
    expect(seen.recovering).toBe(fault.kind !== 'hard-state');
  });
});
