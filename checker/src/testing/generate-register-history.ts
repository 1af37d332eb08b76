// Generates linearizable register histories (Jepsen's cas-register shape) from a seeded workload,
// for tests and the benchmark: read/write/cas on small integer values, each operation with a
// random interval and a linearization point inside it, effects applied in point order. As in
// Jepsen, a cas that finds another value is `fail`, and a client whose operation ends `info`
// is retired and replaced by a fresh process id. Deterministic for a given seed.

import { assert } from '../assert.ts';
import { historyFromEvents } from '../history/history-builder.ts';
import type { History, HistoryEvent } from '../history/types.ts';
import { createPrng } from './generate-history.ts';

/** The register workload's shape; rates are probabilities in [0, 1]. */
export interface RegisterWorkloadOptions {
  readonly seed: number;
  readonly clients: number;
  readonly operations: number;
  /** Keys, each an independent register (default 1: one hard partition). */
  readonly keys?: number;
  /** Distinct values written, 0..valueCount-1 (Jepsen uses 5). */
  readonly valueCount?: number;
  readonly readRate?: number;
  readonly writeRate?: number;
  /** Operations whose outcome is indeterminate (recorded `info`; half of them took effect). */
  readonly infoRate?: number;
  /** Longest operation, in time units (1 unit = 1000 ns). */
  readonly durationMax?: number;
}

type RegisterValue = number | null;

interface PlannedOperation {
  readonly process: number;
  readonly f: 'read' | 'write' | 'cas';
  readonly key: string;
  readonly input: number | readonly [number, number] | undefined;
  readonly startNs: number;
  readonly endNs: number;
  readonly pointNs: number;
  readonly info: boolean;
  readonly applied: boolean;
  outcome: 'ok' | 'fail' | 'info';
  output?: RegisterValue;
}

/** Generates a linearizable register history for the workload. */
export function generateRegisterHistory(options: RegisterWorkloadOptions): History {
  assert(options.clients > 0 && options.operations >= 0, 'a workload has clients');
  const planned = planOperations(options);
  applyInPointOrder(planned);
  const result = historyFromEvents(eventsOf(planned));
  assert(result.ok, `generated histories are valid: ${result.ok ? '' : result.error.detail}`);
  return result.history;
}

function planOperations(options: RegisterWorkloadOptions): PlannedOperation[] {
  const random = createPrng(options.seed);
  const pick = (count: number): number => Math.floor(random() * count);
  const valueCount = options.valueCount ?? 5;
  const readRate = options.readRate ?? 0.4;
  const writeRate = options.writeRate ?? 0.3;
  const durationMax = options.durationMax ?? 20;
  // Slot s is one client thread; processIds[s] is its current Jepsen process id.
  const processIds = Array.from({ length: options.clients }, (_, slot) => slot);
  const freeAt = new Array<number>(options.clients).fill(0);
  const planned: PlannedOperation[] = [];
  for (let index = 0; index < options.operations; index += 1) {
    const slot = pick(options.clients);
    const start = (freeAt[slot] ?? 0) + pick(5);
    const end = start + 1 + pick(durationMax);
    freeAt[slot] = end + 1;
    const roll = random();
    const f = roll < readRate ? 'read' : roll < readRate + writeRate ? 'write' : 'cas';
    const input =
      f === 'read'
        ? undefined
        : f === 'write'
          ? pick(valueCount)
          : ([pick(valueCount), pick(valueCount)] as const);
    const info = random() < (options.infoRate ?? 0);
    const process = processIds[slot] ?? slot;
    if (info) processIds[slot] = process + options.clients;
    planned.push({
      process,
      f,
      key: `r${pick(options.keys ?? 1)}`,
      input,
      startNs: start * 1000,
      endNs: end * 1000,
      pointNs: start * 1000 + pick((end - start) * 1000),
      info,
      applied: !info || random() < 0.5,
      outcome: info ? 'info' : 'ok',
    });
  }
  return planned;
}

function applyInPointOrder(planned: PlannedOperation[]): void {
  const values = new Map<string, RegisterValue>();
  const order = [...planned].sort((left, right) => left.pointNs - right.pointNs);
  for (const operation of order) {
    const value = values.get(operation.key) ?? null;
    if (!operation.applied) continue;
    if (operation.f === 'read') operation.output = value;
    else if (operation.f === 'write') values.set(operation.key, operation.input as number);
    else {
      const [expected, next] = operation.input as readonly [number, number];
      if (expected === value) values.set(operation.key, next);
      else if (!operation.info) operation.outcome = 'fail';
    }
  }
}

function eventsOf(planned: readonly PlannedOperation[]): HistoryEvent[] {
  const timed: { time: number; order: number; event: HistoryEvent }[] = [];
  for (const [index, operation] of planned.entries()) {
    const base = { process: operation.process, f: operation.f, key: operation.key };
    const input = operation.input === undefined ? {} : { value: operation.input };
    timed.push({
      time: operation.startNs,
      order: index * 2,
      event: { type: 'invoke', ...base, ...input, time: operation.startNs },
    });
    const read = operation.f === 'read' && operation.outcome === 'ok';
    const output = read ? { value: operation.output ?? null } : input;
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
