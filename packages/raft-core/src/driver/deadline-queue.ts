// DeadlineQueue: many waits that share one timeout, on one timer instead of one per wait. All
// waits get the same timeout and the clock never goes back, so arrival order is deadline order:
// a FIFO, no heap. At most one timer is armed, for the oldest live wait; a cancelled wait is
// only marked and skipped when the queue reaches it.
// Invariant: deadlines in `queue` never decrease; `timer` is armed iff a live wait is queued.
import { assert } from '../assert.ts';
import type { Clock, TimerHandle } from './ports.ts';

interface Wait<T> {
  readonly deadlineMs: number;
  readonly item: T;
  live: boolean;
}

/** Options of a deadline queue. */
export interface DeadlineQueueOptions<T> {
  readonly clock: Clock;
  /** How long each wait lasts before `expire` is called with its item. */
  readonly timeoutMs: number;
  /** Called once per wait that reached its deadline without being cancelled. */
  readonly expire: (item: T) => void;
}

/** Waits with one shared timeout, expired in order by a single timer. */
export class DeadlineQueue<T> {
  private queue: Wait<T>[] = [];
  // The index of the oldest wait not yet expired or skipped.
  private head = 0;
  private timer: TimerHandle | null = null;

  /** Creates an empty queue; nothing is armed until the first `add`. */
  constructor(private readonly options: DeadlineQueueOptions<T>) {
    assert(options.timeoutMs > 0, 'timeoutMs must be positive');
  }

  /** Starts a wait for `item`; cancel the handle when the wait ends early. */
  add(item: T): TimerHandle {
    const wait: Wait<T> = {
      deadlineMs: this.options.clock.now() + this.options.timeoutMs,
      item,
      live: true,
    };
    this.queue.push(wait);
    if (this.timer === null) this.arm();
    return {
      cancel: () => {
        wait.live = false;
      },
    };
  }

  /** Cancels every wait without expiring it and disarms the timer. */
  clear(): void {
    this.timer?.cancel();
    this.timer = null;
    this.queue = [];
    this.head = 0;
  }

  // Arms the timer for the oldest live wait, dropping cancelled ones in front of it.
  private arm(): void {
    while (this.head < this.queue.length && !this.queue[this.head]!.live) this.head++;
    this.compact();
    const next = this.queue[this.head];
    if (next === undefined) return;
    const delayMs = Math.max(0, next.deadlineMs - this.options.clock.now());
    this.timer = this.options.clock.setTimer(delayMs, () => this.onTimer());
  }

  private onTimer(): void {
    this.timer = null;
    const nowMs = this.options.clock.now();
    while (this.head < this.queue.length) {
      const wait = this.queue[this.head]!;
      if (wait.live && wait.deadlineMs > nowMs) break;
      this.head++;
      if (!wait.live) continue;
      wait.live = false;
      this.options.expire(wait.item);
    }
    if (this.timer === null) this.arm();
  }

  // Drops the consumed prefix once it is most of the array, so memory follows live waits.
  private compact(): void {
    if (this.head === 0 || this.head * 2 < this.queue.length) return;
    this.queue = this.queue.slice(this.head);
    this.head = 0;
  }
}
