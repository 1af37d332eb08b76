// Virtual time. Owns the event queue and the run loop that drives a test script: each step pops
// the earliest event, advances the clock to it, runs it, then settles every promise continuation
// before the next one, so async code (the driver, scripts) stays deterministic. Every wakeup in a
// simulation comes from here; nothing reads wall time.
import { AssertionError, assert, type TimerHandle } from '@kvraft/raft-core';
import { EventQueue, type ScheduledEvent } from './event-queue.ts';
import { settle } from './runtime/settle.ts';

/** Bounds on one simulated run; exceeding either fails the run. */
export interface SchedulerLimits {
  /** Virtual time a script may take, like the original tester's 120 s per test. */
  readonly timeMsMax: number;
  /** Events a script may run: a guard against livelock (e.g. zero-delay message storms). */
  readonly eventsMax: number;
}

/** The default limits: 120 s of virtual time and ten million events. */
export const schedulerLimitsDefault: SchedulerLimits = {
  timeMsMax: 120_000,
  eventsMax: 10_000_000,
};

/** Thrown when a simulated run fails: a limit, a recorded failure, or a crashed event. */
export class SimulationError extends Error {
  override readonly name = 'SimulationError';
}

/** What a finished run cost, in virtual time and events. */
export interface RunStats {
  readonly timeMs: number;
  readonly eventCount: number;
}

/** A virtual-time event scheduler with a deterministic run loop. */
export class Scheduler {
  private readonly queue = new EventQueue();
  private sequence = 0;
  private nowMsValue = 0;
  private eventCountValue = 0;
  private failure: Error | null = null;
  /** Called after every event once its continuations settled; invariant checkers hook in here. */
  private readonly observers: Array<() => void> = [];

  /** The current virtual time in milliseconds. */
  get nowMs(): number {
    return this.nowMsValue;
  }

  /** Events run so far. */
  get eventCount(): number {
    return this.eventCountValue;
  }

  /** Runs `callback` once, `delayMs` (≥ 0) after now; events at equal times run in FIFO order. */
  schedule(delayMs: number, callback: () => void): TimerHandle {
    assert(Number.isFinite(delayMs) && delayMs >= 0, `schedule: bad delay ${delayMs}`);
    const event: ScheduledEvent = {
      timeMs: this.nowMsValue + delayMs,
      sequence: this.sequence++,
      callback,
      cancelled: false,
    };
    this.queue.push(event);
    return {
      cancel: () => {
        event.cancelled = true;
      },
    };
  }

  /** Resolves after `ms` of virtual time; the only way test scripts may wait. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.schedule(ms, resolve);
    });
  }

  /** Registers a callback that runs after every event, once its continuations have settled. */
  observe(observer: () => void): void {
    this.observers.push(observer);
  }

  /** Records the first failure; the run loop stops with it after the current event settles. */
  fail(error: Error): void {
    if (this.failure === null) this.failure = error;
  }

  /** Runs `script` on virtual time until it returns; rejects on failure or an exceeded limit. */
  async run(script: () => Promise<void>, limits: SchedulerLimits): Promise<RunStats> {
    const startMs = this.nowMsValue;
    const startEvents = this.eventCountValue;
    const outcome: { done: boolean; error: unknown } = { done: false, error: undefined };
    script().then(
      () => {
        outcome.done = true;
      },
      (error: unknown) => {
        outcome.done = true;
        outcome.error = error;
      },
    );
    for (;;) {
      await settle();
      this.notifyObservers();
      if (this.failure !== null) throw this.failure;
      if (outcome.done) break;
      const event = this.popLive();
      if (event === null) {
        throw new SimulationError('deadlock: the script waits but no event is scheduled');
      }
      this.checkLimits(event, startMs, startEvents, limits);
      this.runEvent(event);
    }
    if (outcome.error !== undefined) throw outcome.error;
    return { timeMs: this.nowMsValue - startMs, eventCount: this.eventCountValue - startEvents };
  }

  private popLive(): ScheduledEvent | null {
    for (;;) {
      const event = this.queue.pop();
      if (event === null || !event.cancelled) return event;
    }
  }

  private checkLimits(
    event: ScheduledEvent,
    startMs: number,
    startEvents: number,
    limits: SchedulerLimits,
  ): void {
    if (event.timeMs - startMs > limits.timeMsMax) {
      throw new SimulationError(`virtual time limit exceeded: ${limits.timeMsMax} ms`);
    }
    if (this.eventCountValue - startEvents >= limits.eventsMax) {
      throw new SimulationError(`event limit exceeded: ${limits.eventsMax} events`);
    }
  }

  private runEvent(event: ScheduledEvent): void {
    assert(event.timeMs >= this.nowMsValue, 'scheduler: time went backwards');
    this.nowMsValue = event.timeMs;
    this.eventCountValue++;
    try {
      event.callback();
    } catch (error) {
      this.fail(asError(error, `event at ${event.timeMs} ms threw`));
    }
  }

  private notifyObservers(): void {
    if (this.failure !== null) return;
    for (const observer of this.observers) {
      try {
        observer();
      } catch (error) {
        this.fail(asError(error, 'invariant observer threw'));
        return;
      }
    }
  }
}

function asError(error: unknown, context: string): Error {
  if (error instanceof Error) return error;
  return new AssertionError(`${context}: ${String(error)}`);
}
