// Goal: the budgets hold whatever the input size: the run's wall-clock budget is kept within 10%
// when there are thousands of keys or one huge key, reading stops on its time and memory
// budgets, and a history read without its events still writes back to JSONL. Method: a fake
// clock that advances a fixed step on every reading (logical time, so no timing assertions),
// generated histories, and files written to a temporary folder.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Clock,
  check,
  generateKvHistory,
  generateRegisterHistory,
  kvModel,
  parseJsonl,
  registerModel,
  toJsonl,
} from '../src/index.ts';
import { readHistory } from '../src/io/read-history.ts';

const work = mkdtempSync(path.join(tmpdir(), 'kvraft-budgets-'));

/** A clock whose every reading is `stepMs` later than the previous one. */
function steppingClock(stepMs: number): Clock & { readings: number } {
  let nowMs = 0;
  return {
    readings: 0,
    now() {
      this.readings += 1;
      nowMs += stepMs;
      return nowMs;
    },
  };
}

describe('budgets', () => {
  it('keeps the run budget within 10% with thousands of keys', () => {
    const history = generateKvHistory({ seed: 4, clients: 20, keys: 5_000, operations: 40_000 });
    const clock = steppingClock(0.05);
    const result = check(history, kvModel, { clock, budgetMs: 20 });
    expect(result.verdict).toBe('unknown');
    expect(result.elapsedMs).toBeLessThanOrEqual(22);
    expect(result.partitions.some((partition) => partition.reason === 'run-time-budget')).toBe(
      true,
    );
  });

  it('keeps the run budget within 10% on one hard key', () => {
    const history = generateRegisterHistory({
      seed: 9,
      clients: 30,
      operations: 3_000,
      infoRate: 0.4,
    });
    const clock = steppingClock(1);
    const result = check(history, registerModel, { clock, budgetMs: 30, sliceSteps: 64 });
    expect(result.elapsedMs).toBeLessThanOrEqual(33);
    if (result.verdict === 'unknown') {
      expect(result.partitions[0]?.reason).toMatch(/time-budget/);
    }
  });

  it('stops reading a file on its time budget and names how far it got', async () => {
    const file = path.join(work, 'slow.jsonl');
    writeFileSync(
      file,
      toJsonl(generateKvHistory({ seed: 1, clients: 5, keys: 5, operations: 30_000 })),
    );
    const read = await readHistory(file, 'jsonl', { clock: steppingClock(10), budgetMs: 25 });
    expect(read.ok || read.error.reason).toBe('read-time-budget');
    expect(read.ok || read.error.detail).toMatch(/stopped after [\d.]+ MiB of input/);
  });

  it('stops reading a file on its memory budget', async () => {
    const file = path.join(work, 'large.jsonl');
    writeFileSync(
      file,
      toJsonl(generateKvHistory({ seed: 1, clients: 5, keys: 5, operations: 30_000 })),
    );
    const read = await readHistory(file, 'jsonl', { historyBytesMax: 1024 * 1024 });
    expect(read.ok || read.error.reason).toBe('read-memory-budget');
    const whole = await readHistory(file, 'jsonl', { historyBytesMax: 64 * 1024 * 1024 });
    expect(whole.ok && whole.history.operations.length).toBe(30_000);
  });

  it('reads a file without keeping its events, and writes the same history back', async () => {
    const history = generateKvHistory({
      seed: 3,
      clients: 4,
      keys: 3,
      operations: 300,
      infoRate: 0.1,
    });
    const file = path.join(work, 'round-trip.jsonl');
    writeFileSync(file, toJsonl(history));
    const read = await readHistory(file, 'jsonl');
    if (!read.ok) throw new Error(read.error.detail);
    expect(read.history.events).toHaveLength(0);
    const again = parseJsonl(toJsonl(read.history));
    if (!again.ok) throw new Error(again.error.detail);
    const strip = (operations: typeof history.operations) =>
      operations.map(({ callLine: _c, returnLine: _r, ...rest }) => rest);
    expect(strip(again.history.operations)).toEqual(strip(history.operations));
  });
});
