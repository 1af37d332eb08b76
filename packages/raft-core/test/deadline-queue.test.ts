// Goal: a DeadlineQueue expires each uncancelled wait once, in order, at its deadline, with at
// most one timer armed however many waits there are. Method: a hand-advanced clock that counts
// the timers it holds; waits added at different times, some cancelled.
import { type Clock, DeadlineQueue, type TimerHandle } from '@kvraft/raft-core';
import { describe, expect, it } from 'vitest';

class CountingClock implements Clock {
  nowMs = 0;
  timers: { at: number; callback: () => void; live: boolean }[] = [];
  now(): number {
    return this.nowMs;
  }
  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const timer = { at: this.nowMs + delayMs, callback, live: true };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.live = false;
      },
    };
  }
  armed(): number {
    return this.timers.filter((t) => t.live).length;
  }
  advanceTo(ms: number): void {
    for (;;) {
      const due = this.timers.find((t) => t.live && t.at <= ms);
      if (due === undefined) break;
      this.nowMs = due.at;
      due.live = false;
      due.callback();
    }
    this.nowMs = ms;
  }
}

describe('DeadlineQueue', () => {
  it('expires uncancelled waits in order at their deadlines on one timer', () => {
    const clock = new CountingClock();
    const expired: string[] = [];
    const queue = new DeadlineQueue<string>({
      clock,
      timeoutMs: 100,
      expire: (item) => expired.push(`${item}@${clock.now()}`),
    });
    const handles = new Map<string, TimerHandle>();
    for (const [name, at] of [
      ['a', 0],
      ['b', 10],
      ['c', 10],
      ['d', 50],
    ] as const) {
      clock.advanceTo(at);
      handles.set(name, queue.add(name));
      expect(clock.armed()).toBe(1);
    }
    handles.get('b')!.cancel();
    handles.get('a')!.cancel();
    clock.advanceTo(109);
    expect(expired).toEqual([]);
    clock.advanceTo(110);
    expect(expired).toEqual(['c@110']);
    expect(clock.armed()).toBe(1);
    clock.advanceTo(1000);
    expect(expired).toEqual(['c@110', 'd@150']);
    expect(clock.armed()).toBe(0);
  });

  it('clear() disarms the timer and expires nothing', () => {
    const clock = new CountingClock();
    const expired: number[] = [];
    const queue = new DeadlineQueue<number>({
      clock,
      timeoutMs: 5,
      expire: (n) => expired.push(n),
    });
    for (let n = 0; n < 1000; n++) queue.add(n);
    expect(clock.armed()).toBe(1);
    queue.clear();
    clock.advanceTo(100);
    expect(expired).toEqual([]);
    queue.add(7);
    clock.advanceTo(200);
    expect(expired).toEqual([7]);
  });
});
