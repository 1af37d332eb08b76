// WatermarkedPersister: any Persister, plus an ack watermark written after each durable save and
// before it resolves, so nothing is acknowledged (a vote granted, an entry matched) that the
// watermark does not cover. At load it compares the store with the watermark (assessStore): a
// store that lost entries boots with `recovery` set, and a lost term or vote is put back.
// Cost: one small extra durable write per group of saves that change term, vote or log; saves
// that only move commitIndex write nothing, and concurrent saves share one watermark write.
import type { PersistedState, Persister, PersistUpdate } from '../driver/ports.ts';
import { compareLogPositions } from '../log-position.ts';
import {
  type AckWatermark,
  assessStore,
  type StoreAssessment,
  type WatermarkStore,
} from './ack-watermark.ts';
import { TermRuns } from './term-runs.ts';

/** Options of a WatermarkedPersister. */
export interface WatermarkedPersisterOptions {
  /** Told what the store lost at load (never called when it lost nothing). */
  readonly onLoss?: (assessment: StoreAssessment) => void;
}

/** A Persister whose acknowledgements are covered by an ack watermark. */
export class WatermarkedPersister implements Persister {
  private terms = new TermRuns();
  /** The watermark of the newest save handed to the store (durable or not). */
  private current: AckWatermark | null = null;
  /** The watermark of the newest save the store made durable: what may be written. */
  private durable: AckWatermark | null = null;
  private written: AckWatermark | null = null;
  /** Saves waiting for a watermark write that covers them. */
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  /** Whether the write loop runs; set and cleared by the loop itself, synchronously. */
  private flushing = false;
  /** The newest write loop, which close() waits for. */
  private drained: Promise<void> = Promise.resolve();

  /** Wraps `inner`; `watermarks` is where the watermark lives. */
  constructor(
    private readonly inner: Persister,
    private readonly watermarks: WatermarkStore,
    private readonly options: WatermarkedPersisterOptions = {},
  ) {}

  /** Loads the store, compares it with the watermark, and repairs a lost term or vote. */
  async load(): Promise<PersistedState> {
    const stored = await this.inner.load();
    const found = await this.watermarks.read();
    const assessment = assessStore(stored, found);
    if (assessment.losses.length > 0) this.options.onLoss?.(assessment);
    const { state } = assessment;
    if (state.hardState !== stored.hardState) {
      // Put the restored term and vote back in the store, so the next boot finds them there.
      await this.inner.save({ hardState: state.hardState });
    }
    this.terms = TermRuns.of(state);
    this.current = assessment.watermark;
    this.durable = assessment.watermark;
    this.written = found;
    await this.flush();
    return state;
  }

  /** Saves `update`, then makes the watermark cover it before resolving. */
  async save(update: PersistUpdate): Promise<void> {
    const target = this.advance(update);
    await this.inner.save(update);
    // Saves resolve in call order, so this is the newest durable one.
    this.durable = target;
    await this.flush();
  }

  /** The inner store's Raft state size. */
  raftStateSize(): number {
    return this.inner.raftStateSize();
  }

  /** The inner store's snapshot size. */
  snapshotSize(): number {
    return this.inner.snapshotSize();
  }

  /** Closes the store, then the watermark. */
  async close(): Promise<void> {
    await this.inner.close();
    await this.drained;
    await this.watermarks.close();
  }

  private advance(update: PersistUpdate): AckWatermark {
    const now = this.current!;
    this.terms.apply(update);
    const last = this.terms.last();
    const hardState = update.hardState ?? now;
    const floor = now.floor !== null && compareLogPositions(last, now.floor) < 0 ? now.floor : null;
    this.current = { term: hardState.term, votedFor: hardState.votedFor, last, floor };
    return this.current;
  }

  // Writes one at a time, always the newest durable save's watermark: every save that became
  // durable while a write was in flight waits for the one next write, which covers them all
  // (group commit; a chain of one write per save cost 50x the throughput of 64 concurrent saves).
  // Never a save that is not durable yet: an ordinary crash must not look like a loss.
  private flush(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.flushing) this.drained = this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    while (this.waiters.length > 0) {
      const batch = this.waiters.splice(0);
      // Each waiter's save resolved before it joined, and saves resolve in call order, so the
      // newest durable watermark covers the whole batch.
      const target = this.durable!;
      try {
        if (this.written === null || !sameWatermark(this.written, target)) {
          await this.watermarks.write(target);
          this.written = target;
        }
        for (const waiter of batch) waiter.resolve();
      } catch (error) {
        for (const waiter of batch) waiter.reject(error);
      }
    }
    this.flushing = false;
  }
}

function sameWatermark(a: AckWatermark, b: AckWatermark): boolean {
  return (
    a.term === b.term &&
    a.votedFor === b.votedFor &&
    compareLogPositions(a.last, b.last) === 0 &&
    (a.floor === null
      ? b.floor === null
      : b.floor !== null && compareLogPositions(a.floor, b.floor) === 0)
  );
}
