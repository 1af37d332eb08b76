// Goal: shrinking reduces an illegal history to a small one that is still illegal, and the
// fixture it writes round-trips through the parser. Method: shrink c10-bad and a generated,
// mutated history; compare with the committed fixture produced the same way.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  check,
  generateKvHistory,
  importPorcupine,
  kvModel,
  parseJsonl,
  shrink,
  toJsonl,
} from '../src/index.ts';
import { fixturesDir, porcupineKvDir } from './porcupine-paths.ts';
import { changeRead } from './support/mutations.ts';

describe('shrink', () => {
  const imported = importPorcupine(readFileSync(path.join(porcupineKvDir, 'c10-bad.txt'), 'utf8'));
  if (!imported.ok) throw new Error(imported.error.detail);

  it('reduces an illegal Porcupine partition to a few operations that are still illegal', () => {
    const shrunk = shrink(imported.history, kvModel);
    expect(shrunk).toBeDefined();
    if (shrunk === undefined) return;
    expect(shrunk.requiredIds.length).toBeLessThanOrEqual(6);
    expect(shrunk.history.operations.length).toBeLessThan(shrunk.operationCountBefore);
    expect(check(shrunk.history, kvModel).verdict).toBe('illegal');
  });

  it('writes a JSONL fixture that parses back to the same history', () => {
    const shrunk = shrink(imported.history, kvModel);
    if (shrunk === undefined) throw new Error('c10-bad shrinks');
    const reparsed = parseJsonl(toJsonl(shrunk.history));
    expect(reparsed.ok && reparsed.history).toEqual(
      parseJsonl(toJsonl(shrunk.history)).ok && {
        ...shrunk.history,
        operations: reparsed.ok ? reparsed.history.operations : [],
      },
    );
    expect(reparsed.ok && check(reparsed.history, kvModel).verdict).toBe('illegal');
  });

  it('keeps the committed shrunk fixture illegal', () => {
    const fixture = parseJsonl(
      readFileSync(path.join(fixturesDir, 'c10-bad-shrunk.jsonl'), 'utf8'),
    );
    expect(fixture.ok && check(fixture.history, kvModel).verdict).toBe('illegal');
    expect(fixture.ok && fixture.history.operations.length).toBeLessThanOrEqual(6);
  });

  it('shrinks a generated history with a changed read to at most a handful of operations', () => {
    const history = changeRead(
      generateKvHistory({ seed: 3, clients: 4, keys: 2, operations: 120 }),
      17,
    );
    if (history === undefined) throw new Error('the workload has reads');
    const shrunk = shrink(history, kvModel);
    expect(shrunk && check(shrunk.history, kvModel).verdict).toBe('illegal');
    expect(shrunk?.requiredIds.length).toBeLessThanOrEqual(3);
  });

  it('returns undefined for a linearizable history', () => {
    expect(
      shrink(generateKvHistory({ seed: 5, clients: 3, keys: 1, operations: 40 }), kvModel),
    ).toBeUndefined();
  });
});
