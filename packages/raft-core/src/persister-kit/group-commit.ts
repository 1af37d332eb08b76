// GroupCommit: coalesces saves that arrive while a write is in flight (or in the same tick) into
// the next single durable write, preserving call order. Each caller resolves when its own item
// is durable. After a failed write every queued and future item is rejected (fail-stop: the
// store's state is unknown, and a Raft node must not guess).
import { assert } from '../assert.ts';

/** How items reach the store: one durable write per batch, items in order. */
export type BatchWriter<T> = (items: readonly T[]) => Promise<void> | void;

/** Limits of group commit. */
export interface GroupCommitOptions {
  /** Most items one write may carry; the rest wait for the next write. */
  readonly batchItemsMax: number;
  /** Builds the error that rejects items after a write failed. */
  readonly failure: (cause: unknown) => Error;
}

interface Pending<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** A queue that writes items in batches, one write at a time. */
export class GroupCommit<T> {
  private queue: Pending<T>[] = [];
  private running = false;
  private failed: Error | null = null;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;

  /** Creates a queue that writes through `writer`. */
  constructor(
    private readonly writer: BatchWriter<T>,
    private readonly options: GroupCommitOptions,
  ) {
    assert(options.batchItemsMax >= 1, 'batchItemsMax must be >= 1');
  }

  /** Queues `item`; resolves once a write containing it is durable. */
  submit(item: T): Promise<void> {
    if (this.failed !== null) return Promise.reject(this.failed);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) this.start();
    });
  }

  /** Resolves once every queued item has been written (or rejected). */
  drain(): Promise<void> {
    return this.idle;
  }

  private start(): void {
    this.running = true;
    this.idle = new Promise<void>((resolve) => {
      this.markIdle = resolve;
    });
    // Yield once so saves issued in the same synchronous run share the first write.
    queueMicrotask(() => void this.run());
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.batchItemsMax);
      try {
        await this.writer(batch.map((pending) => pending.item));
      } catch (cause) {
        this.failed = this.options.failure(cause);
        for (const pending of [...batch, ...this.queue.splice(0)]) pending.reject(this.failed);
        break;
      }
      for (const pending of batch) pending.resolve();
    }
    this.running = false;
    this.markIdle();
  }
}
