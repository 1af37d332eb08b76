// Goal: the kv search's pruning (pending-append pieces, the erased state, dropping unobservable
// info writes) never changes a verdict. Method: small random one-key put/append/get histories
// with info and fail operations, over a tiny alphabet so pieces overlap and puts repeat values;
// each is decided by an exhaustive search over every real-time order (no pruning, no hints) and
// by `check` with pruning on (with its window, and with a window shorter than the history) and
// off, and the four verdicts must agree.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  check,
  type History,
  historyFromOperations,
  kvModel,
  type Operation,
} from '../src/index.ts';

interface Draft {
  readonly process: number;
  readonly f: 'get' | 'put' | 'append';
  readonly value: string;
  readonly gap: number;
  readonly duration: number;
  readonly effectAt: number;
  readonly status: 'ok' | 'info' | 'fail';
}

const draftArbitrary: fc.Arbitrary<Draft> = fc.record({
  process: fc.integer({ min: 0, max: 3 }),
  f: fc.constantFrom('get', 'get', 'put', 'append', 'append'),
  value: fc.constantFrom('x', 'y', 'xy', 'yx', 'xx'),
  gap: fc.integer({ min: 0, max: 3 }),
  duration: fc.integer({ min: 1, max: 6 }),
  effectAt: fc.double({ min: 0, max: 1, noNaN: true }),
  status: fc.constantFrom('ok', 'ok', 'ok', 'ok', 'info', 'fail'),
});

/** How a recorded get is falsified, if at all: none, another get's output, or a cut value. */
type Mutation = { kind: 'none' } | { kind: 'swap' | 'cut' | 'extend'; pick: number };

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.constant<Mutation>({ kind: 'none' }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom<'swap' | 'cut' | 'extend'>('swap', 'cut', 'extend'),
      pick: fc.nat(),
    }),
    weight: 3,
  },
);

/**
 * A history from drafts: each process runs its operations one after another (an info ends the
 * process, as a crashed Jepsen client), each operation takes effect at a point inside its
 * interval (an info one maybe never), and gets read what that sequential run gives. The result
 * is linearizable; `mutation` may then make one get's output wrong (or, by chance, still right).
 */
function historyOfDrafts(drafts: readonly Draft[], mutation: Mutation): History {
  const free = new Map<number, number>();
  const crashed = new Set<number>();
  const timed: { operation: Omit<Operation, 'output'>; effectNs: number }[] = [];
  for (const draft of drafts) {
    if (crashed.has(draft.process)) continue;
    const callNs = (free.get(draft.process) ?? 0) + draft.gap;
    const returnNs = callNs + draft.duration;
    free.set(draft.process, returnNs + 1);
    if (draft.status === 'info') crashed.add(draft.process);
    // A fail never took effect; an info may have (half of them do, late).
    const takesEffect = draft.status === 'ok' || (draft.status === 'info' && draft.effectAt < 0.5);
    timed.push({
      operation: {
        id: timed.length,
        process: draft.process,
        f: draft.f,
        key: 'k',
        input: draft.f === 'get' ? undefined : draft.value,
        status: draft.status,
        callNs,
        returnNs: draft.status === 'info' ? Infinity : returnNs,
        callLine: 0,
        returnLine: 0,
      },
      effectNs: takesEffect ? callNs + draft.effectAt * draft.duration : Infinity,
    });
  }
  const outputs = new Map<number, string>();
  let value = '';
  for (const { operation, effectNs } of [...timed].sort((a, b) => a.effectNs - b.effectNs)) {
    if (effectNs === Infinity) break;
    if (operation.f === 'put') value = operation.input as string;
    else if (operation.f === 'append') value += operation.input as string;
    else outputs.set(operation.id, value);
  }
  const gets = [...outputs.keys()].filter((id) => timed[id]?.operation.status === 'ok');
  if (mutation.kind !== 'none' && gets.length > 0) {
    const victim = gets[mutation.pick % gets.length] as number;
    const original = outputs.get(victim) ?? '';
    const others = [...outputs.values()];
    const cut = original.slice(0, mutation.pick % (original.length + 1));
    const extended = original + (['x', 'y', 'yy'][mutation.pick % 3] ?? '');
    const swapped = others[mutation.pick % others.length] ?? '';
    outputs.set(
      victim,
      mutation.kind === 'swap' ? swapped : mutation.kind === 'cut' ? cut : extended,
    );
  }
  return historyFromOperations(
    timed.map(({ operation }) => ({
      ...operation,
      output:
        operation.f === 'get' && operation.status === 'ok' ? outputs.get(operation.id) : undefined,
    })),
  );
}

/**
 * The reference verdict: a depth-first search over every order that respects real time, where
 * ok operations must all be placed and info ones may be, memoized on the exact (placed set,
 * value) pair only. It uses none of the model's hints.
 */
function bruteForceLinearizable(history: History): boolean {
  const operations = history.operations.filter((operation) => operation.status !== 'fail');
  const required = operations.filter((operation) => operation.status === 'ok').length;
  const failed = new Set<string>();
  const search = (placed: number, placedRequired: number, value: string): boolean => {
    if (placedRequired === required) return true;
    const key = `${placed}:${value}`;
    if (failed.has(key)) return false;
    for (let index = 0; index < operations.length; index += 1) {
      const operation = operations[index] as Operation;
      if ((placed & (1 << index)) !== 0) continue;
      // Only an operation no unplaced one returned before may come next.
      const blocked = operations.some(
        (other, at) => (placed & (1 << at)) === 0 && other.returnNs < operation.callNs,
      );
      if (blocked) continue;
      let next = value;
      if (operation.f === 'put') next = operation.input as string;
      else if (operation.f === 'append') next = value + (operation.input as string);
      else if (operation.status === 'ok' && operation.output !== value) continue;
      const counts = operation.status === 'ok' ? 1 : 0;
      if (search(placed | (1 << index), placedRequired + counts, next)) return true;
    }
    failed.add(key);
    return false;
  };
  return search(0, 0, '');
}

/** The verdict of `check` as a boolean, failing the test on `unknown` (none is expected). */
function checkLinearizable(history: History, lookaheadEntriesMax?: number): boolean {
  const result = check(
    history,
    kvModel,
    lookaheadEntriesMax === undefined ? {} : { lookaheadEntriesMax },
  );
  expect(result.verdict).not.toBe('unknown');
  return result.verdict === 'ok';
}

const historyArbitrary = fc
  .tuple(fc.array(draftArbitrary, { minLength: 3, maxLength: 11 }), mutationArbitrary)
  .map(([drafts, mutation]) => historyOfDrafts(drafts, mutation))
  .filter((history) => history.operations.filter((o) => o.status !== 'fail').length <= 10);

describe('kv pruning against an exhaustive search', () => {
  it('gives the exhaustive verdict on random one-key histories, with and without pruning', () => {
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        const expected = bruteForceLinearizable(history);
        expect(checkLinearizable(history)).toBe(expected);
        expect(checkLinearizable(history, 0)).toBe(expected);
        // A window shorter than the history: the pruning walk is cut short, and must then
        // neither prune nor erase on what it did not see.
        expect(checkLinearizable(history, 3)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('draws both verdicts, and info writes a put erases, often enough to mean something', () => {
    // Without this the property above could pass on a generator that only makes easy histories.
    const sample = fc.sample(historyArbitrary, { numRuns: 1000, seed: 14 });
    const illegal = sample.filter((history) => !bruteForceLinearizable(history)).length;
    const erasing = sample.filter((history) => {
      const { operations } = history;
      return operations.some(
        (info) =>
          info.status === 'info' &&
          info.f === 'append' &&
          operations.some((put) => put.f === 'put' && put.callNs > info.callNs),
      );
    }).length;
    expect(illegal).toBeGreaterThan(150);
    expect(sample.length - illegal).toBeGreaterThan(150);
    expect(erasing).toBeGreaterThan(100);
  });
});
