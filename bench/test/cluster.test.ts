// Goal: `bench cluster`'s core runs a real 3-node kvraft cluster (memory persister) under 1 and 4
// closed-loop clients and its table has both cells with operations and ordered latencies; every
// acknowledged append (kvraft, and etcd's compare-and-swap loop when etcd is on PATH) is in the
// store exactly once; its /metrics reader sums only the metric asked for. Method:
// runClusterBench with 1 s cells, its Markdown rows read back as a reader of the README would;
// an append cell, then every key read back and its tokens counted. Nothing asserts on time.
import { expect, it } from 'vitest';
import { runClusterBench } from '../src/cluster-bench.ts';
import { findEtcd, startEtcdTarget } from '../src/cluster-etcd.ts';
import { startKvraftTarget } from '../src/cluster-kvraft.ts';
import { type CellSpec, keyName, runCell } from '../src/cluster-loader.ts';
import { metricSum } from '../src/cluster-metrics.ts';
import type { BenchTarget } from '../src/cluster-target.ts';

/** The table's columns, in order (see cluster-table.ts). */
const columns = ['system', 'nodes', 'workload', 'clients', 'value B', 'ops', 'ops/s'] as const;

// Reads a table row into its cells; `1,234` and `n/a` read as numbers and NaN.
function rowCells(line: string): string[] {
  return line
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim());
}
const number = (cell: string | undefined) => Number((cell ?? '').replaceAll(',', ''));

it('measures every cell of a small grid with ops and p50 ≤ p99 ≤ max', async () => {
  const report = await runClusterBench({
    clients: [1, 4],
    workloads: ['put'],
    valueBytes: [16],
    keys: 100,
    durationMs: 1000,
    nodes: [3],
    persisters: ['memory'],
  });
  const lines = report.markdown.split('\n');
  const header = rowCells(lines.find((line) => line.startsWith('| system |')) ?? '');
  expect(header.slice(0, columns.length)).toEqual([...columns]);
  const at = (name: string) => header.indexOf(name);
  for (const clients of [1, 4]) {
    const row = lines
      .map(rowCells)
      .find((cells) => cells[0] === 'kvraft memory' && cells[at('clients')] === String(clients));
    expect(row, `row for ${clients} clients`).toBeDefined();
    const [ops, p50, p99, max] = ['ops/s', 'p50 ms', 'p99 ms', 'max ms'].map((name) =>
      number(row?.[at(name)]),
    );
    expect(row?.[at('workload')]).toBe('put');
    expect(ops).toBeGreaterThan(0);
    expect(p50).toBeLessThanOrEqual(p99!);
    expect(p99).toBeLessThanOrEqual(max!);
  }
  // The same figures unrounded, as --json writes them.
  expect(report.results).toHaveLength(2);
  for (const result of report.results) {
    expect(result.ops).toBeGreaterThan(0);
    expect(result.p50Ms).toBeLessThanOrEqual(result.p90Ms);
    expect(result.p90Ms).toBeLessThanOrEqual(result.p99Ms);
    expect(result.p99Ms).toBeLessThanOrEqual(result.maxMs);
    expect(result.serverCpuMsPerOp).toBeGreaterThan(0);
  }
});

const etcd = findEtcd();

it.each([
  ['kvraft', () => startKvraftTarget(3, 'memory')],
  ...(etcd === undefined ? [] : [['etcd', () => startEtcdTarget(3, etcd)] as const]),
] as const)('puts every acknowledged %s append in the store exactly once', async (_, start) => {
  const target: BenchTarget = await start();
  try {
    const keys = 5;
    const spec: CellSpec = {
      workload: 'append',
      clients: 4,
      valueBytes: 16,
      keys,
      durationMs: 1000,
      opsPerClient: 10_000,
    };
    const result = await runCell(target, spec, 42);
    const reader = target.openClient(0);
    const tokens: string[] = [];
    try {
      for (let key = 0; key < keys; key++) {
        const value = await reader.get(keyName(key));
        expect(value, `key ${key}`).toBeDefined();
        // Each append is its token, ';' and '.' padding up to 16 bytes.
        for (const piece of (value ?? '').split(';').slice(0, -1)) {
          tokens.push(piece.replace(/^\.+/, ''));
        }
      }
    } finally {
      reader.close();
    }
    expect(result.ops).toBeGreaterThan(0);
    expect(new Set(tokens).size).toBe(tokens.length);
    // A failed append may still have applied (indeterminate), never twice.
    expect(tokens.length).toBeGreaterThanOrEqual(result.ops);
    expect(tokens.length).toBeLessThanOrEqual(result.ops + result.errors);
    expect(tokens.every((token) => token.startsWith(`${(42).toString(36)}.`))).toBe(true);
  } finally {
    await target.stop();
  }
});

it('sums a metric over its label sets and ignores metrics that share its prefix', () => {
  const text = [
    '# TYPE kvraft_commit_index gauge',
    'kvraft_commit_index 12',
    'kvraft_commit_index_other 99',
    'kvraft_persist_seconds_count{node="1"} 3',
    'kvraft_persist_seconds_count{node="2"} 4',
  ].join('\n');
  expect(metricSum(text, 'kvraft_commit_index')).toBe(12);
  expect(metricSum(text, 'kvraft_persist_seconds_count')).toBe(7);
  expect(metricSum(text, 'kvraft_missing')).toBeUndefined();
});
