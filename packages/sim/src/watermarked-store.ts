// One simulated node's protected store: its MemoryPersister behind raft-core's
// WatermarkedPersister, with the ack watermark in a MemoryWatermarkStore that the cluster keeps
// across crashes and store damage, as a watermark file beside a real store survives damage to
// it (Alagappan et al., "Protocol-Aware Recovery for Consensus-Based Storage", FAST 2018).
import type { Persister } from '@kvraft/raft-core';
import {
  type AckWatermark,
  type MemoryWatermarkStore,
  WatermarkedPersister,
  type WatermarkStore,
} from '@kvraft/raft-core/persister-kit';

/** How a protected store reports and is fenced. */
export interface WatermarkedStoreOptions {
  /** Whether the incarnation that owns this store still runs; false once it crashed. */
  readonly alive: () => boolean;
  /** Told what the store lost, when the watermark finds a loss at boot. */
  readonly onLoss: (losses: readonly string[]) => void;
}

/**
 * Wraps `store` so each durable save moves `watermarks` before it resolves. Only a live
 * incarnation writes: a save that finishes after its node crashed belongs to a dead process, and
 * must not move the watermark past the crash copy (an ordinary crash would look like a loss).
 */
export function watermarkedStore(
  store: Persister,
  watermarks: MemoryWatermarkStore,
  options: WatermarkedStoreOptions,
): Persister {
  const fenced: WatermarkStore = {
    read: () => watermarks.read(),
    write: async (watermark: AckWatermark) => {
      if (options.alive()) await watermarks.write(watermark);
    },
    // The watermark outlives every incarnation; nothing to release per boot.
    close: async () => {},
  };
  return new WatermarkedPersister(store, fenced, {
    onLoss: (assessment) => options.onLoss(assessment.losses),
  });
}
