// Goal: the register search gives generated register histories their verdicts, including ones
// with many indeterminate (info) operations, where identical info operations are searched in
// invocation order only. Method: seeded cas-register workloads (linearizable by construction),
// a read changed to a value nobody wrote (certainly illegal), and hand-written info cases; the
// models' `observable` hint is checked against searches without it.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  check,
  generateKvHistory,
  generateRegisterHistory,
  type History,
  historyFromOperations,
  kvModel,
  type Model,
  type Operation,
  registerModel,
} from '../src/index.ts';
import { changeRead as changeKvRead } from './support/mutations.ts';

const budget = { partitionStepsMax: 5_000_000, stopAtFirstIllegal: false };

function operation(row: Partial<Operation> & Pick<Operation, 'id' | 'f' | 'callNs'>): Operation {
  return {
    process: row.id,
    key: 'r',
    input: undefined,
    output: undefined,
    status: 'ok',
    returnNs: row.callNs + 10,
    callLine: 0,
    returnLine: 0,
    ...row,
  };
}

function changeRead(history: History, pick: number): History | undefined {
  const reads = history.operations.filter((o) => o.f === 'read' && o.status === 'ok');
  const read = reads[pick % Math.max(1, reads.length)];
  if (read === undefined) return undefined;
  return historyFromOperations(
    history.operations.map((o) => (o.id === read.id ? { ...o, output: 99 } : o)),
  );
}

describe('register histories', () => {
  const workload = fc.record({
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    clients: fc.integer({ min: 1, max: 8 }),
    operations: fc.integer({ min: 5, max: 120 }),
    infoRate: fc.constantFrom(0, 0.1, 0.3, 0.5),
  });

  it('are linearizable as generated, whatever the share of info operations', () => {
    fc.assert(
      fc.property(workload, (options) => {
        const history = generateRegisterHistory(options);
        expect(check(history, registerModel, budget).verdict).toBe('ok');
      }),
      { numRuns: 80 },
    );
  });

  it('are illegal once a read returns a value nobody wrote', () => {
    let mutated = 0;
    fc.assert(
      fc.property(workload, fc.nat(), (options, pick) => {
        const history = changeRead(generateRegisterHistory(options), pick);
        fc.pre(history !== undefined);
        mutated += 1;
        expect(check(history, registerModel, budget).verdict).toBe('illegal');
      }),
      { numRuns: 60 },
    );
    expect(mutated).toBeGreaterThan(0);
  });

  it('uses a second identical info write after the first one was used', () => {
    // Two info write(1)s: one explains the first read of 1, the second explains the read of 1
    // after the completed write(2); a search that dropped the second would call this illegal.
    const history = historyFromOperations([
      operation({ id: 0, f: 'write', input: 1, status: 'info', callNs: 0, returnNs: Infinity }),
      operation({ id: 1, f: 'write', input: 1, status: 'info', callNs: 1, returnNs: Infinity }),
      operation({ id: 2, f: 'read', output: 1, callNs: 20 }),
      operation({ id: 3, f: 'write', input: 2, callNs: 40 }),
      operation({ id: 4, f: 'read', output: 1, callNs: 60 }),
    ]);
    expect(check(history, registerModel).verdict).toBe('ok');
    const oneWrite = historyFromOperations(history.operations.filter((o) => o.id !== 1));
    expect(check(oneWrite, registerModel).verdict).toBe('illegal');
  });

  it('decides the 1,000-operation, 20-client history with 48% info operations', () => {
    const history = generateRegisterHistory({
      seed: 5,
      clients: 20,
      operations: 1000,
      infoRate: 0.482,
    });
    expect(history.operations.filter((o) => o.status === 'info').length).toBeGreaterThan(400);
    expect(check(history, registerModel, budget).verdict).toBe('ok');
  });
});

describe('dropping unobservable info operations', () => {
  it('never changes a verdict (kv and register, as generated and mutated)', () => {
    let compared = 0;
    const limits = { partitionStepsMax: 300_000, stopAtFirstIllegal: false };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(0.1, 0.3, 0.5),
        fc.nat(),
        fc.boolean(),
        (seed, infoRate, pick, mutate) => {
          const shape = { seed, clients: 4, operations: 30, infoRate };
          const register = generateRegisterHistory(shape);
          const kv = generateKvHistory({ ...shape, keys: 1 });
          const cases = [
            {
              model: registerModel,
              history: mutate ? (changeRead(register, pick) ?? register) : register,
            },
            { model: kvModel, history: mutate ? (changeKvRead(kv, pick) ?? kv) : kv },
          ] as const;
          for (const { model, history } of cases) {
            const { observable: _hint, ...blind } = model as Model<unknown>;
            const dropped = check(history, model as Model<unknown>, limits).verdict;
            const kept = check(history, blind, limits).verdict;
            if (dropped === 'unknown' || kept === 'unknown') continue;
            compared += 1;
            expect(dropped).toBe(kept);
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(compared).toBeGreaterThan(60);
  });
});
