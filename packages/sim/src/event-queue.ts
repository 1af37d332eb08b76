// A binary min-heap of scheduled events ordered by (time, sequence). The sequence number makes
// ties deterministic: two events at the same virtual time run in the order they were scheduled.
import { assert } from '@kvraft/raft-core';

/** One scheduled callback; `cancelled` events stay in the heap and are skipped when popped. */
export interface ScheduledEvent {
  readonly timeMs: number;
  readonly sequence: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/** A priority queue of events, earliest first, ties broken by scheduling order. */
export class EventQueue {
  private readonly heap: ScheduledEvent[] = [];

  /** The number of events held, cancelled ones included. */
  get size(): number {
    return this.heap.length;
  }

  /** Adds an event. */
  push(event: ScheduledEvent): void {
    const heap = this.heap;
    heap.push(event);
    let child = heap.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!before(event, heap[parent]!)) break;
      heap[child] = heap[parent]!;
      child = parent;
    }
    heap[child] = event;
  }

  /** The earliest event without removing it, or null when empty. */
  peek(): ScheduledEvent | null {
    return this.heap[0] ?? null;
  }

  /** Removes and returns the earliest event, or null when empty. */
  pop(): ScheduledEvent | null {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return null;
    const last = heap.pop()!;
    if (heap.length > 0) siftDown(heap, last);
    assert(heap.length === 0 || !before(heap[0]!, top), 'event queue: heap order broken');
    return top;
  }
}

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.sequence < b.sequence);
}

function siftDown(heap: ScheduledEvent[], event: ScheduledEvent): void {
  const length = heap.length;
  let parent = 0;
  for (;;) {
    let child = parent * 2 + 1;
    if (child >= length) break;
    const right = child + 1;
    if (right < length && before(heap[right]!, heap[child]!)) child = right;
    if (!before(heap[child]!, event)) break;
    heap[parent] = heap[child]!;
    parent = child;
  }
  heap[parent] = event;
}
