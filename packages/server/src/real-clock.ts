// The real Clock port for a node: monotonic time from performance.now and timers from
// setTimeout. This is the only place the node's Raft timing touches wall-clock machinery.
import type { Clock, TimerHandle } from '@kvraft/raft-core';

/** A Clock on the process's monotonic time and real timers. */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const timer = setTimeout(callback, delayMs);
    return { cancel: () => clearTimeout(timer) };
  },
};
