// The cluster benchmark's Markdown: one row per cell and system, then, when etcd ran, each
// kvraft row's ratios to the etcd row of the same cell (kvraft ÷ etcd).
import type { CellResult } from './cluster-loader.ts';

/** Where and when the figures were measured, for the table's header line. */
export interface BenchEnvironment {
  readonly date: string;
  readonly cpus: string;
  readonly node: string;
  readonly loadAverageStart: readonly number[];
  readonly loadAverageEnd: readonly number[];
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A latency or a cost with about three significant digits; `n/a` when unknown. */
export function formatMs(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  if (value >= 100) return integer.format(value);
  if (value >= 10) return value.toFixed(1);
  if (value >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function formatRatio(numerator: number | undefined, denominator: number | undefined): string {
  if (numerator === undefined || denominator === undefined || !(denominator > 0)) return 'n/a';
  if (!Number.isFinite(numerator)) return 'n/a';
  return `${(numerator / denominator).toFixed(2)}×`;
}

function cellKey(result: CellResult): string {
  return [result.nodes, result.workload, result.clients, result.valueBytes].join('/');
}

const loads = (values: readonly number[]) => values.map((v) => v.toFixed(1)).join(' ');

/**
 * Renders `results` (in run order) as Markdown: the environment, the cells, what went wrong
 * on the way (`notes`), the ratios.
 */
export function renderMarkdown(
  results: readonly CellResult[],
  env: BenchEnvironment,
  notes: readonly string[] = [],
): string {
  const lines = [
    `${env.date}; ${env.cpus}; node ${env.node}; load average ${loads(env.loadAverageStart)} ` +
      `at start, ${loads(env.loadAverageEnd)} at end`,
    '',
    '| system | nodes | workload | clients | value B | ops | ops/s | p50 ms | p90 ms | p99 ms | max ms | ' +
      'errors | server CPU ms/op | loader CPU ms/op | entries/save |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const cells = [
      r.label,
      r.nodes,
      r.workload,
      r.clients,
      r.valueBytes,
      integer.format(r.ops),
      integer.format(r.opsPerSecond),
      formatMs(r.p50Ms),
      formatMs(r.p90Ms),
      formatMs(r.p99Ms),
      formatMs(r.maxMs),
      r.errors,
      formatMs(r.serverCpuMsPerOp),
      formatMs(r.loaderCpuMsPerOp),
      r.entriesPerSave === undefined ? 'n/a' : r.entriesPerSave.toFixed(2),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  if (notes.length > 0) lines.push('', 'Notes:', '', ...notes.map((note) => `- ${note}`));
  const etcd = new Map(results.filter((r) => r.system === 'etcd').map((r) => [cellKey(r), r]));
  if (etcd.size === 0) return `${lines.join('\n')}\n`;
  lines.push(
    '',
    'kvraft ÷ etcd, same cell, same run:',
    '',
    '| system | nodes | workload | clients | value B | ops/s | p50 | server CPU/op |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const r of results) {
    const base = etcd.get(cellKey(r));
    if (r.system !== 'kvraft' || base === undefined) continue;
    const cells = [
      r.label,
      r.nodes,
      r.workload,
      r.clients,
      r.valueBytes,
      formatRatio(r.opsPerSecond, base.opsPerSecond),
      formatRatio(r.p50Ms, base.p50Ms),
      formatRatio(r.serverCpuMsPerOp, base.serverCpuMsPerOp),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
