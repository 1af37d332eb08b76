// A WatermarkStore in memory: for the simulator, where a node's watermark must outlive damage to
// its simulated store, and for tests. It counts writes so a benchmark can report them.
import type { AckWatermark, WatermarkStore } from './ack-watermark.ts';

/** A WatermarkStore that keeps the newest watermark in memory. */
export class MemoryWatermarkStore implements WatermarkStore {
  private value: AckWatermark | null = null;
  /** How many writes completed. */
  writes = 0;

  /** Returns the newest watermark written, or null. */
  async read(): Promise<AckWatermark | null> {
    return this.value;
  }

  /** Keeps `watermark` as the newest. */
  async write(watermark: AckWatermark): Promise<void> {
    this.value = watermark;
    this.writes++;
  }

  /** Nothing to release. */
  async close(): Promise<void> {}

  /** Forgets the watermark, as a deleted file would (tests of what a missing watermark does). */
  forget(): void {
    this.value = null;
  }
}
