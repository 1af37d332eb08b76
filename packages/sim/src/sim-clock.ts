// The driver's Clock on virtual time: `now()` is the scheduler's time and timers are scheduler
// events, so a node's ticks interleave deterministically with messages and disk completions.
import type { Clock, TimerHandle } from '@kvraft/raft-core';
import type { Scheduler } from './scheduler.ts';

/** A Clock backed by a Scheduler's virtual time. */
export class SimClock implements Clock {
  /** Wraps `scheduler`; many clocks may share one scheduler. */
  constructor(private readonly scheduler: Scheduler) {}

  /** Virtual milliseconds since the simulation began. */
  now(): number {
    return this.scheduler.nowMs;
  }

  /** Runs `callback` after `delayMs` of virtual time. */
  setTimer(delayMs: number, callback: () => void): TimerHandle {
    return this.scheduler.schedule(delayMs, callback);
  }
}
