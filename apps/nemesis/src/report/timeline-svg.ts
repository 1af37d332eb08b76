// The report's main chart: fault bands across the top, leader/term bands beneath them, then one
// row per client with every operation as a bar from invocation to completion (green ok, red
// fail, amber indeterminate), all on the run's time axis.
import type { History } from '@kvraft/checker';
import type { RunResults } from '../results/run-dir.ts';
import { chart, esc, timeAxis, xOf } from './svg.ts';

/** Colours of the fault families. */
export const faultColors: Record<string, string> = {
  partition: '#e45756',
  kill: '#4c78a8',
  pause: '#b279a2',
  link: '#f58518',
  disk: '#9d755d',
  'disk-io': '#72b7b2',
  restart: '#54a24b',
  flood: '#eeca3b',
  transfer: '#ff9da6',
};

const leaderColors = [
  '#ddd',
  '#a6cee3',
  '#b2df8a',
  '#fb9a99',
  '#fdbf6f',
  '#cab2d6',
  '#ffff99',
  '#1f78b4',
];
const rowHeight = 14;
/** Operations drawn per chart; past it every n-th is drawn, so a long run's page stays light. */
const drawnOperationsMax = 20_000;

/** Renders the fault, leader and client rows as one SVG. */
export function timelineSvg(history: History, results: RunResults): string {
  const duration = Math.max(results.durationMs, results.elapsedMs);
  const rows = clientRows(history, results);
  const top = 60;
  const height = top + rows.size * rowHeight + 40;
  const parts = [faultBands(results, duration), leaderBands(results, duration)];
  const stride = Math.max(1, Math.ceil(history.operations.length / drawnOperationsMax));
  for (const [index, op] of history.operations.entries()) {
    if (index % stride !== 0) continue;
    const row = rows.get(rowOf(op.process, results.clients))!;
    const x1 = xOf((op.callNs - results.originNs) / 1e6, duration);
    const endNs = Number.isFinite(op.returnNs) ? op.returnNs : op.callNs + 50e6;
    const x2 = Math.max(x1 + 1, xOf((endNs - results.originNs) / 1e6, duration));
    const color = op.status === 'ok' ? '#3a9a3a' : op.status === 'fail' ? '#d62728' : '#f0a30a';
    parts.push(
      `<rect x="${x1.toFixed(1)}" y="${top + row * rowHeight + 2}" width="${(x2 - x1).toFixed(1)}" height="${rowHeight - 4}" fill="${color}"><title>${esc(`${op.f} ${op.key ?? ''} → ${op.status}`)}</title></rect>`,
    );
  }
  for (const [name, row] of rows) {
    parts.push(
      `<text x="${chart.left - 6}" y="${top + row * rowHeight + 11}" font-size="10" text-anchor="end">${esc(name)}</text>`,
    );
  }
  parts.push(timeAxis(duration, top + rows.size * rowHeight + 6));
  return `<svg width="${chart.width}" height="${height}" role="img" aria-label="operations timeline">${parts.join('')}</svg>`;
}

function faultBands(results: RunResults, duration: number): string {
  const parts = [
    `<text x="${chart.left - 6}" y="14" font-size="10" text-anchor="end">faults</text>`,
  ];
  const open = new Map<string, number>();
  // One lane runs one step at a time, so lane and kind pair a start with its end.
  const ends = results.timeline.map((e) => ({ ...e, key: `${e.lane}:${e.kind}` }));
  for (const event of ends) {
    if (event.phase === 'start') open.set(event.key, event.atMs);
    if (event.phase !== 'end') continue;
    const start = open.get(event.key) ?? event.atMs;
    const x1 = xOf(start, duration);
    const x2 = Math.max(x1 + 2, xOf(event.atMs, duration));
    const color = faultColors[event.kind] ?? '#999';
    parts.push(
      `<rect x="${x1.toFixed(1)}" y="${4 + event.lane * 4}" width="${(x2 - x1).toFixed(1)}" height="16" fill="${color}" opacity="0.85"><title>${esc(`${event.kind}: ${event.detail}`)}</title></rect>`,
    );
    parts.push(
      `<rect x="${x1.toFixed(1)}" y="60" width="${(x2 - x1).toFixed(1)}" height="100%" fill="${color}" opacity="0.08"/>`,
    );
  }
  return parts.join('');
}

function leaderBands(results: RunResults, duration: number): string {
  const parts = [
    `<text x="${chart.left - 6}" y="40" font-size="10" text-anchor="end">leader/term</text>`,
  ];
  const samples = results.leaders;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    const next = samples[i + 1]?.atMs ?? s.atMs + 250;
    const x1 = xOf(s.atMs, duration);
    const x2 = Math.max(x1 + 0.5, xOf(next, duration));
    const fill = leaderColors[(s.leader ?? 0) % leaderColors.length];
    const label = s.leader === null ? 'no leader' : `n${s.leader} t${s.term}`;
    parts.push(
      `<rect x="${x1.toFixed(1)}" y="28" width="${(x2 - x1).toFixed(1)}" height="16" fill="${fill}"><title>${label}</title></rect>`,
    );
    const prev = samples[i - 1];
    if (s.leader !== null && (prev?.leader !== s.leader || prev?.term !== s.term)) {
      parts.push(`<text x="${(x1 + 2).toFixed(1)}" y="40" font-size="9">${label}</text>`);
    }
  }
  return parts.join('');
}

// Rows: one per workload client (its later processes included), then flood clients, final reads.
function rowOf(process: number, clients: number): string {
  if (process >= 1_000_000) return 'final reads';
  if (process >= 500_000) return 'flood';
  return `client ${process % clients}`;
}

function clientRows(history: History, results: RunResults): Map<string, number> {
  const names = [...new Set(history.operations.map((op) => rowOf(op.process, results.clients)))];
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true }));
  return new Map(names.map((name, i) => [name, i]));
}

function rank(name: string): number {
  return name.startsWith('client') ? 0 : name === 'flood' ? 1 : 2;
}
