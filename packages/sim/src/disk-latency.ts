// Simulated disk latency for MemoryPersister: every save waits a seeded random number of
// virtual milliseconds, so a crash can land between a save's start and its acknowledgement.
import { assert, type Prng } from '@kvraft/raft-core';
import type { Scheduler } from './scheduler.ts';

/** Returns a `saveDelay` that sleeps U[0, latencyMsMax] virtual ms (0 resolves at once). */
export function diskLatency(
  scheduler: Scheduler,
  prng: Prng,
  latencyMsMax: number,
): () => Promise<void> {
  assert(Number.isSafeInteger(latencyMsMax) && latencyMsMax >= 0, 'disk latency must be >= 0');
  return () => {
    const delayMs = latencyMsMax === 0 ? 0 : prng.nextInt(latencyMsMax + 1);
    if (delayMs === 0) return Promise.resolve();
    return scheduler.sleep(delayMs);
  };
}
