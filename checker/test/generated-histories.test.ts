// Goal: verdicts on generated histories match how they were made. Method: fast-check draws
// concurrent kv workloads (with info and fail operations) run against a sequential model, which
// are linearizable by construction; mutations make them certainly illegal. Also checks that
// the lookahead pruning never changes a verdict (pruned and unpruned searches agree).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  check,
  checkAppends,
  generateKvHistory,
  kvModel,
  type WorkloadOptions,
} from '../src/index.ts';
import {
  changeRead,
  dropAcknowledgedWrite,
  duplicateAppend,
  swapOrder,
} from './support/mutations.ts';

const workload: fc.Arbitrary<WorkloadOptions> = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  clients: fc.integer({ min: 1, max: 6 }),
  keys: fc.integer({ min: 1, max: 3 }),
  operations: fc.integer({ min: 5, max: 80 }),
  infoRate: fc.constantFrom(0, 0.05, 0.15),
  failRate: fc.constantFrom(0, 0.05),
});

const budget = { partitionStepsMax: 2_000_000, stopAtFirstIllegal: false };

describe('generated histories', () => {
  it('are linearizable, and pass the append checks, as generated', () => {
    fc.assert(
      fc.property(workload, (options) => {
        const history = generateKvHistory(options);
        expect(check(history, kvModel, budget).verdict).toBe('ok');
        expect(checkAppends(history).verdict).toBe('ok');
      }),
      { numRuns: 60 },
    );
  });

  const mutations = [
    {
      name: 'a read changed to a value never written',
      mutate: changeRead,
      kind: 'phantom-token',
      info: 0.05,
    },
    {
      name: 'an append applied twice',
      mutate: duplicateAppend,
      kind: 'duplicate-token',
      info: 0.05,
    },
    {
      name: 'an acknowledged write dropped',
      mutate: dropAcknowledgedWrite,
      kind: 'phantom-token',
      info: 0.05,
    },
    { name: 'two ordered writes swapped in a read', mutate: swapOrder, kind: undefined, info: 0 },
  ] as const;

  it.each(mutations)('are illegal with $name', ({ mutate, kind, info }) => {
    let mutated = 0;
    fc.assert(
      fc.property(workload, fc.nat(), (options, pick) => {
        // Few info operations: each multiplies the orders an illegal history's search must refute
        // (a swap with info operations around it can take millions of steps to refute).
        const shape = {
          ...options,
          operations: options.operations + 20,
          infoRate: Math.min(options.infoRate ?? 0, info),
        };
        const history = mutate(generateKvHistory(shape), pick);
        fc.pre(history !== undefined);
        mutated += 1;
        expect(check(history, kvModel, budget).verdict).toBe('illegal');
        const appends = checkAppends(history);
        // A swap across clients is invisible to the append checks; the others are not.
        if (kind !== undefined) expect(appends.violations.map((v) => v.kind)).toContain(kind);
      }),
      { numRuns: 40 },
    );
    expect(mutated).toBeGreaterThan(0);
  });

  it('give the same verdict with and without lookahead pruning', () => {
    let decided = 0;
    fc.assert(
      fc.property(workload, fc.nat(), fc.boolean(), (options, pick, mutate) => {
        const base = generateKvHistory({
          ...options,
          operations: Math.min(options.operations, 30),
        });
        const history = mutate ? (swapOrder(base, pick) ?? changeRead(base, pick) ?? base) : base;
        const limits = { partitionStepsMax: 200_000, stopAtFirstIllegal: false };
        const pruned = check(history, kvModel, limits).partitions;
        const exhaustive = check(history, kvModel, {
          ...limits,
          lookaheadEntriesMax: 0,
        }).partitions;
        // Compare where both searches decided; the exhaustive one may run out of steps.
        for (const [index, partition] of exhaustive.entries()) {
          if (partition.verdict === 'unknown' || pruned[index]?.verdict === 'unknown') continue;
          decided += 1;
          expect(pruned[index]?.verdict).toBe(partition.verdict);
        }
      }),
      { numRuns: 80 },
    );
    expect(decided).toBeGreaterThan(40);
  });

  it('proves a 10k-operation generated history linearizable', () => {
    const history = generateKvHistory({
      seed: 1,
      clients: 10,
      keys: 20,
      operations: 10_000,
      infoRate: 0.02,
    });
    const result = check(history, kvModel, { clock: performance });
    expect(result.verdict).toBe('ok');
    expect(result.partitions.every((partition) => partition.verdict === 'ok')).toBe(true);
  });
});
