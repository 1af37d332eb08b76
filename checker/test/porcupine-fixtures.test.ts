// Goal: the checker gives Porcupine's six KV histories their known verdicts, fast. Method: import
// each file with importPorcupine and check it with the kv model, once stopping at the first
// illegal key (the default) and once deciding every key, with a real clock for the budgets.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, type History, importPorcupine, kvModel } from '../src/index.ts';
import { porcupineKvDir } from './porcupine-paths.ts';

function load(name: string): History {
  const result = importPorcupine(readFileSync(path.join(porcupineKvDir, `${name}.txt`), 'utf8'));
  if (!result.ok) throw new Error(`cannot import ${name}: ${result.error.detail}`);
  return result.history;
}

function illegalKeys(name: string): string[] {
  const result = check(load(name), kvModel, {
    clock: performance,
    stopAtFirstIllegal: false,
    partitionBudgetMs: 2000,
  });
  return result.partitions
    .filter((partition) => partition.verdict === 'illegal')
    .map((partition) => partition.key)
    .sort();
}

describe('Porcupine KV fixtures', () => {
  it.each(['c01-ok', 'c10-ok', 'c50-ok'])('proves %s linearizable', (name) => {
    const result = check(load(name), kvModel, { clock: performance });
    expect(result.verdict).toBe('ok');
    expect(result.partitions.every((partition) => partition.verdict === 'ok')).toBe(true);
  });

  it('finds only key "7" of c01-bad illegal', () => {
    expect(illegalKeys('c01-bad')).toEqual(['7']);
  });

  it('finds keys 0,1,2,3,5,6,7,9 of c10-bad illegal and the others ok', () => {
    expect(illegalKeys('c10-bad')).toEqual(['0', '1', '2', '3', '5', '6', '7', '9']);
  });

  it('finds every key of c50-bad but "0" illegal, and "0" illegal or unknown within budget', () => {
    const result = check(load('c50-bad'), kvModel, {
      clock: performance,
      stopAtFirstIllegal: false,
      partitionBudgetMs: 2000,
    });
    expect(result.verdict).toBe('illegal');
    for (const partition of result.partitions) {
      if (partition.key === '0') expect(['illegal', 'unknown']).toContain(partition.verdict);
      else expect(partition.verdict).toBe('illegal');
    }
  });

  // Speed is a benchmark figure (`npm run bench -w @kvraft/checker`), not a unit-test assertion:
  // these tests pin the verdicts under the default budgets.
  it('reports c50-bad illegal under the default budgets', () => {
    expect(check(load('c50-bad'), kvModel, { clock: performance }).verdict).toBe('illegal');
  });

  it('decides all six files under the default budgets', () => {
    const histories = ['c01-ok', 'c01-bad', 'c10-ok', 'c10-bad', 'c50-ok', 'c50-bad'].map(load);
    const verdicts = histories.map(
      (history) => check(history, kvModel, { clock: performance }).verdict,
    );
    expect(verdicts).toEqual(['ok', 'illegal', 'ok', 'illegal', 'ok', 'illegal']);
  });

  it('ends a hard key unknown with its reason when its step budget runs out', () => {
    const history = load('c50-ok');
    const result = check(history, kvModel, { partitionStepsMax: 50, stopAtFirstIllegal: false });
    expect(result.verdict).toBe('unknown');
    const reasons = new Set(result.partitions.map((partition) => partition.reason));
    expect(reasons).toEqual(new Set(['partition-steps-budget']));
  });

  it('ends partitions unknown when the memory budget is tiny, without throwing', () => {
    // Memory is compared after each slice; with the erased state every c50-ok key is decided
    // within one default slice (at most 3,035 steps), so short slices give the budget its turn.
    const result = check(load('c50-ok'), kvModel, { partitionBytesMax: 1024, sliceSteps: 256 });
    expect(result.verdict).toBe('unknown');
    expect(result.partitions.some((p) => p.reason === 'partition-memory-budget')).toBe(true);
  });

  it('stops the other partitions early once one is illegal', () => {
    const result = check(load('c10-bad'), kvModel, {});
    expect(result.verdict).toBe('illegal');
    expect(result.partitions.some((partition) => partition.reason === 'stopped-early')).toBe(true);
  });

  it('produces a JSON-serializable result', () => {
    const result = check(load('c01-bad'), kvModel, {});
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});
