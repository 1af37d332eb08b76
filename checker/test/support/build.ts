// A tiny builder for hand-written histories in tests: operations as [process, f, key, value,
// result, callNs, returnNs] rows, turned into a validated History.

import { type History, historyFromOperations, type Operation } from '../../src/index.ts';

/** One hand-written operation: completion status defaults to ok. */
export interface Row {
  readonly process: number;
  readonly f: string;
  readonly key?: string;
  readonly input?: string;
  readonly output?: string;
  readonly call: number;
  readonly ret: number;
  readonly status?: 'ok' | 'fail' | 'info';
}

/** Builds a valid history from rows (ids in row order). */
export function historyOf(rows: readonly Row[]): History {
  const operations: Operation[] = rows.map((row, id) => ({
    id,
    process: row.process,
    f: row.f,
    key: row.key ?? 'k',
    input: row.input,
    output: row.output,
    status: row.status ?? 'ok',
    callNs: row.call,
    returnNs: row.status === 'info' ? Infinity : row.ret,
    callLine: 0,
    returnLine: 0,
  }));
  return historyFromOperations(operations);
}
