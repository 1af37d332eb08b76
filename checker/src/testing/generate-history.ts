// Generates linearizable kv histories from a seeded concurrent workload (for tests and benches):
// each operation gets a random interval and a linearization point inside it, effects are applied
// to a sequential kv map in linearization-point order, and reads return what that order gives.
// Appends and puts carry unique tokens "x <client> <seq> y". Deterministic for a given seed.

import { assert } from '../assert.ts';
import { historyFromEvents } from '../history/history-builder.ts';
import type { History, HistoryEvent } from '../history/types.ts';

/** The workload's shape; rates are probabilities in [0, 1]. */
export interface WorkloadOptions {
  readonly seed: number;
  readonly clients: number;
  readonly keys: number;
  readonly operations: number;
  readonly getRate?: number;
  readonly putRate?: number;
  /** Operations whose outcome is indeterminate (recorded `info`; half of them took effect). */
  readonly infoRate?: number;
  /** Operations that definitely did not happen (recorded `fail`). */
  readonly failRate?: number;
  /** Longest operation, in time units (1 unit = 1000 ns). */
  readonly durationMax?: number;
}

interface PlannedOperation {
  readonly process: number;
  readonly f: 'get' | 'put' | 'append';
  readonly key: string;
  readonly token: string;
  readonly startNs: number;
  readonly endNs: number;
  readonly pointNs: number;
  readonly outcome: 'ok' | 'info' | 'fail';
  readonly applied: boolean;
  output?: string;
}

/** A small seeded PRNG (mulberry32); deterministic and fast. */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Generates a linearizable kv history for the workload. */
export function generateKvHistory(options: WorkloadOptions): History {
  assert(options.clients > 0 && options.keys > 0, 'a workload has clients and keys');
  const planned = planOperations(options);
  applyInPointOrder(planned);
  const result = historyFromEvents(eventsOf(planned));
  assert(result.ok, `generated histories are valid: ${result.ok ? '' : result.error.detail}`);
  return result.history;
}

function planOperations(options: WorkloadOptions): PlannedOperation[] {
  const random = createPrng(options.seed);
  const getRate = options.getRate ?? 0.4;
  const putRate = options.putRate ?? 0.1;
  const durationMax = options.durationMax ?? 20;
  const freeAt = new Array<number>(options.clients).fill(0);
  const sequence = new Array<number>(options.clients).fill(0);
  const planned: PlannedOperation[] = [];
  for (let index = 0; index < options.operations; index += 1) {
    const process = Math.floor(random() * options.clients);
    const start = (freeAt[process] ?? 0) + Math.floor(random() * 5);
    const end = start + 1 + Math.floor(random() * durationMax);
    freeAt[process] = end + 1;
    const roll = random();
    const f = roll < getRate ? 'get' : roll < getRate + putRate ? 'put' : 'append';
    const outcomeRoll = random();
    const outcome =
      outcomeRoll < (options.failRate ?? 0)
        ? 'fail'
        : outcomeRoll < (options.failRate ?? 0) + (options.infoRate ?? 0)
          ? 'info'
          : 'ok';
    const seq = sequence[process] ?? 0;
    sequence[process] = seq + 1;
    planned.push({
      process,
      f,
      key: `k${Math.floor(random() * options.keys)}`,
      token: `x ${process} ${seq} y`,
      startNs: start * 1000,
      endNs: end * 1000,
      pointNs: start * 1000 + Math.floor(random() * (end - start) * 1000),
      outcome,
      applied: outcome === 'ok' || (outcome === 'info' && random() < 0.5),
    });
  }
  return planned;
}

function applyInPointOrder(planned: PlannedOperation[]): void {
  const values = new Map<string, string>();
  const order = [...planned].sort((left, right) => left.pointNs - right.pointNs);
  for (const operation of order) {
    if (!operation.applied) continue;
    const value = values.get(operation.key) ?? '';
    if (operation.f === 'get') operation.output = value;
    else
      values.set(operation.key, operation.f === 'put' ? operation.token : value + operation.token);
  }
}

function eventsOf(planned: readonly PlannedOperation[]): HistoryEvent[] {
  const timed: { time: number; order: number; event: HistoryEvent }[] = [];
  for (const [index, operation] of planned.entries()) {
    const base = { process: operation.process, f: operation.f, key: operation.key };
    const input = operation.f === 'get' ? {} : { value: operation.token };
    timed.push({
      time: operation.startNs,
      order: index * 2,
      event: { type: 'invoke', ...base, ...input, time: operation.startNs },
    });
    const output =
      operation.f === 'get' && operation.outcome === 'ok' ? { value: operation.output ?? '' } : {};
    timed.push({
      time: operation.endNs,
      order: index * 2 + 1,
      event: { type: operation.outcome, ...base, ...output, time: operation.endNs },
    });
  }
  // Per process, events alternate in time; ties across processes keep plan order.
  timed.sort((left, right) => left.time - right.time || left.order - right.order);
  return timed.map((item) => item.event);
}
