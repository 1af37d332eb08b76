// The WatermarkStore contract suite: every implementation (the server's file, the simulator's
// memory) runs it with its own factory. A watermark written must read back exactly after a
// reopen, the newest write wins, and nothing reads back before the first write.
import { afterAll, describe, expect, it } from 'vitest';
import type { AckWatermark, WatermarkStore } from '../persister-kit/ack-watermark.ts';

/** Opens watermark stores for the suite: a fresh one, or the same one again after a close. */
export interface WatermarkStoreFactory {
  /** Opens a new store that holds no watermark. */
  open(): Promise<WatermarkStore>;
  /** Opens the store `closed` used, after `closed.close()` resolved. */
  reopen(closed: WatermarkStore): Promise<WatermarkStore>;
  /** Releases everything the factory created; called once after the suite. */
  dispose?(): Promise<void>;
}

const samples: readonly AckWatermark[] = [
  { term: 0, votedFor: null, last: { index: 0, term: 0 }, floor: null },
  { term: 3, votedFor: 2, last: { index: 17, term: 3 }, floor: null },
  {
    term: 9,
    votedFor: null,
    last: { index: 2 ** 40, term: 8 },
    floor: { index: 2 ** 41, term: 9 },
  },
  { term: 2 ** 45, votedFor: 2 ** 44, last: { index: 5, term: 1 }, floor: { index: 6, term: 1 } },
];

/** Registers the WatermarkStore contract tests for one implementation under `describe(name)`. */
export function watermarkStoreContractSuite(name: string, factory: WatermarkStoreFactory): void {
  describe(`${name} satisfies the WatermarkStore contract`, () => {
    afterAll(async () => {
      await factory.dispose?.();
    });

    it('reads null before the first write, also after a reopen', async () => {
      const store = await factory.open();
      expect(await store.read()).toBeNull();
      await store.close();
      const again = await factory.reopen(store);
      expect(await again.read()).toBeNull();
      await again.close();
    });

    it('reads back exactly the newest watermark written, across reopens', async () => {
      let store = await factory.open();
      for (const sample of samples) {
        await store.write(sample);
        expect(await store.read()).toEqual(sample);
        await store.close();
        store = await factory.reopen(store);
        expect(await store.read()).toEqual(sample);
      }
      for (let i = 0; i < 20; i++) await store.write(samples[i % samples.length]!);
      await store.close();
      const last = await factory.reopen(store);
      expect(await last.read()).toEqual(samples[19 % samples.length]);
      await last.close();
    });
  });
}
