// Goal: each append-check violation kind is found, with the operations involved, and clean
// histories pass. Method: small hand-written kv histories with tokens "x <client> <seq> y".

import { describe, expect, it } from 'vitest';
import { checkAppends } from '../src/index.ts';
import { historyOf } from './support/build.ts';

const append = (
  process: number,
  seq: number,
  call: number,
  ret: number,
  status: 'ok' | 'fail' | 'info' = 'ok',
) => ({ process, f: 'append', input: `x ${process} ${seq} y`, call, ret, status }) as const;
const get = (process: number, output: string, call: number, ret: number) =>
  ({ process, f: 'get', output, call, ret }) as const;

describe('checkAppends', () => {
  it('passes a history whose reads are consistent', () => {
    const result = checkAppends(
      historyOf([append(1, 0, 0, 1), append(1, 1, 2, 3), get(2, 'x 1 0 yx 1 1 y', 4, 5)]),
    );
    expect(result).toMatchObject({
      verdict: 'ok',
      readsChecked: 1,
      tokensChecked: 2,
      violations: [],
    });
  });

  it('reports a token read twice', () => {
    const result = checkAppends(historyOf([append(1, 0, 0, 1), get(2, 'x 1 0 yx 1 0 y', 2, 3)]));
    expect(result.violations).toMatchObject([
      { kind: 'duplicate-token', token: 'x 1 0 y', operations: [1] },
    ]);
  });

  it("reports a client's tokens out of issue order", () => {
    const result = checkAppends(
      historyOf([append(1, 0, 0, 1), append(1, 1, 2, 3), get(2, 'x 1 1 yx 1 0 y', 4, 5)]),
    );
    expect(result.violations).toMatchObject([
      { kind: 'client-order', token: 'x 1 0 y', operations: [2, 1, 0] },
    ]);
  });

  it('reports an acknowledged append missing from the final read', () => {
    const result = checkAppends(
      historyOf([append(1, 0, 0, 1), append(3, 0, 0, 1), get(2, 'x 1 0 y', 4, 5)]),
    );
    expect(result.violations).toMatchObject([
      { kind: 'lost-write', token: 'x 3 0 y', operations: [1, 2] },
    ]);
  });

  it('reports tokens never written, or written by a failed append', () => {
    const result = checkAppends(
      historyOf([append(1, 0, 0, 1, 'fail'), get(2, 'x 1 0 yx 9 9 y', 2, 3)]),
    );
    expect(result.violations.map((v) => [v.kind, v.token, v.operations])).toEqual([
      ['phantom-token', 'x 1 0 y', [1, 0]],
      ['phantom-token', 'x 9 9 y', [1]],
    ]);
  });

  it('allows an info append to be missing or present', () => {
    const missing = checkAppends(historyOf([append(1, 0, 0, 1, 'info'), get(2, '', 4, 5)]));
    const present = checkAppends(historyOf([append(1, 0, 0, 1, 'info'), get(2, 'x 1 0 y', 4, 5)]));
    expect([missing.verdict, present.verdict]).toEqual(['ok', 'ok']);
  });

  it('skips histories whose tokens are not unique, saying why', () => {
    const result = checkAppends(
      historyOf([append(1, 0, 0, 1), append(1, 0, 2, 3), get(2, 'x 1 0 yx 1 0 y', 4, 5)]),
    );
    expect(result.verdict).toBe('skipped');
    expect(result.skippedReason).toContain('x 1 0 y');
  });

  it('uses a configurable token pattern', () => {
    const rows = [
      { process: 1, f: 'append', input: '<a>', call: 0, ret: 1 },
      { process: 2, f: 'get', output: '<a><a>', call: 2, ret: 3 },
    ] as const;
    const result = checkAppends(historyOf(rows), { tokenPattern: /<\w+>/g });
    expect(result.violations.map((v) => v.kind)).toEqual(['duplicate-token']);
  });
});
