// Goal: virtual time is exact, ordered and bounded. Method: drive small scripts through the
// Scheduler and check event order, timer cancellation, limits, failures and determinism.
import { describe, expect, it } from 'vitest';
import { EventQueue, Scheduler, SimulationError } from '../src/index.ts';

const limits = { timeMsMax: 10_000, eventsMax: 1000 };

describe('Scheduler', () => {
  it('runs events in time order and same-time events in scheduling order', async () => {
    const scheduler = new Scheduler();
    const order: string[] = [];
    await scheduler.run(async () => {
      scheduler.schedule(20, () => order.push('b@20'));
      scheduler.schedule(10, () => order.push('a@10'));
      scheduler.schedule(20, () => order.push('c@20'));
      await scheduler.sleep(30);
      order.push(`script@${scheduler.nowMs}`);
    }, limits);
    expect(order).toEqual(['a@10', 'b@20', 'c@20', 'script@30']);
  });

  it('skips cancelled timers', async () => {
    const scheduler = new Scheduler();
    let fired = false;
    await scheduler.run(async () => {
      scheduler
        .schedule(5, () => {
          fired = true;
        })
        .cancel();
      await scheduler.sleep(10);
    }, limits);
    expect(fired).toBe(false);
  });

  it('settles promise continuations before the next event', async () => {
    const scheduler = new Scheduler();
    const order: string[] = [];
    await scheduler.run(async () => {
      scheduler.schedule(1, () => {
        void Promise.resolve()
          .then(() => undefined)
          .then(() => order.push('continuation'));
      });
      scheduler.schedule(1, () => order.push('second event'));
      await scheduler.sleep(2);
    }, limits);
    expect(order).toEqual(['continuation', 'second event']);
  });

  it('fails a script that exceeds its virtual time limit', async () => {
    const scheduler = new Scheduler();
    const run = scheduler.run(() => scheduler.sleep(20_000), limits);
    await expect(run).rejects.toThrow(/virtual time limit exceeded/);
  });

  it('fails a livelocked script at the event limit', async () => {
    const scheduler = new Scheduler();
    const spin = (): void => void scheduler.schedule(0, spin);
    const run = scheduler.run(async () => {
      spin();
      await scheduler.sleep(1);
    }, limits);
    await expect(run).rejects.toThrow(/event limit exceeded/);
  });

  it('reports a deadlock when the script waits on nothing', async () => {
    const scheduler = new Scheduler();
    const run = scheduler.run(() => new Promise<void>(() => {}), limits);
    await expect(run).rejects.toBeInstanceOf(SimulationError);
  });

  it('stops at the first failure recorded by an event', async () => {
    const scheduler = new Scheduler();
    const run = scheduler.run(async () => {
      scheduler.schedule(1, () => {
        throw new Error('boom');
      });
      await scheduler.sleep(100);
    }, limits);
    await expect(run).rejects.toThrow('boom');
    expect(scheduler.nowMs).toBe(1);
  });
});

describe('EventQueue', () => {
  it('pops a thousand shuffled events in (time, sequence) order', () => {
    const queue = new EventQueue();
    const times = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 101);
    times.forEach((timeMs, sequence) => {
      queue.push({ timeMs, sequence, callback: () => {}, cancelled: false });
    });
    let previous = { timeMs: -1, sequence: -1 };
    for (let popped = queue.pop(); popped !== null; popped = queue.pop()) {
      const ordered =
        popped.timeMs > previous.timeMs ||
        (popped.timeMs === previous.timeMs && popped.sequence > previous.sequence);
      expect(ordered).toBe(true);
      previous = popped;
    }
    expect(queue.size).toBe(0);
  });
});
