// report.html: one self-contained page per run (inline CSS and SVG, no scripts, no network):
// the verdict first, then the fault/leader/operation timeline, ops/s and latency percentiles
// per second, availability after each fault, and the checker's findings with the shrunk
// counterexample. Built from the run's files alone, so `kvraft-nemesis report DIR` rebuilds it.
import type { History } from '@kvraft/checker';
import type { RunResults } from '../results/run-dir.ts';
import { esc, lineChart, type Series } from './svg.ts';
import { faultColors, timelineSvg } from './timeline-svg.ts';

const verdictColors = { valid: '#2e7d32', violation: '#c62828', undecided: '#ef6c00' } as const;

/** Renders the run report as one HTML document. */
export function renderReport(history: History, results: RunResults): string {
  const v = results.verdict;
  const title = `kvraft-nemesis: ${v.verdict} (${results.runtime}, ${results.persister}, seed ${results.seed})`;
  const duration = Math.max(results.durationMs, results.elapsedMs);
  const { throughput, latency } = perSecondSeries(history, results);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:13px/1.4 system-ui,sans-serif;margin:20px;color:#222}
h1{font-size:20px}h2{font-size:15px;margin-top:24px}
.verdict{display:inline-block;padding:4px 12px;color:#fff;border-radius:4px;font-weight:bold}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
pre{background:#f6f6f6;padding:8px;overflow:auto;max-height:300px}
.legend span{display:inline-block;margin-right:12px}
</style></head><body>
<h1>${esc(title)}</h1>
<p><span class="verdict" style="background:${verdictColors[v.verdict]}">${v.verdict.toUpperCase()}</span>
 linearizability: <b>${v.linearizable}</b>, append checks: <b>${v.appends}</b></p>
${summaryTable(results)}
<h2>Timeline</h2>
<p class="legend">${Object.entries(faultColors)
    .map(([k, c]) => `<span style="color:${c}">■ ${k}</span>`)
    .join('')}
<span style="color:#3a9a3a">■ ok</span><span style="color:#f0a30a">■ indeterminate</span><span style="color:#d62728">■ fail</span></p>
${timelineSvg(history, results)}
${lineChart('Operations per second', 'ops/s', throughput, duration)}
${lineChart('Latency percentiles per second', 'ms', latency, duration)}
${availabilitySection(results)}
${findingsSection(results)}
</body></html>
`;
}

function summaryTable(r: RunResults): string {
  const rows: [string, string][] = [
    ['runtime', r.runtime],
    ['nodes / persister / workload', `${r.nodes} / ${r.persister} / ${r.workload}`],
    ['clients / duration', `${r.clients} / ${r.durationMs / 1000} s`],
    ['operations', `${r.counts.ok} ok, ${r.counts.fail} failed, ${r.counts.info} indeterminate`],
    [
      'throughput / latency',
      `${r.opsPerSecond} ops/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms`,
    ],
    ['leader changes', String(r.leaderChanges)],
    [
      'peak RSS of a node',
      r.peakRssBytes === null ? 'n/a (simulator)' : `${Math.round(r.peakRssBytes / 2 ** 20)} MiB`,
    ],
    ['skipped families', r.skipped.map((s) => `${s.family}: ${s.reason}`).join('; ') || 'none'],
  ];
  return `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

// Per one-second bucket of completion time: successful operations, and p50/p99 latency.
function perSecondSeries(
  history: History,
  r: RunResults,
): { throughput: Series[]; latency: Series[] } {
  const buckets = new Map<number, number[]>();
  for (const op of history.operations) {
    if (op.status !== 'ok') continue;
    const second = Math.floor((op.returnNs - r.originNs) / 1e9);
    if (second < 0) continue;
    const list = buckets.get(second) ?? [];
    list.push((op.returnNs - op.callNs) / 1e6);
    buckets.set(second, list);
  }
  // Every second of the run gets a point: a second with no successful operation is a zero, not
  // a line drawn across the outage.
  const last = Math.max(0, ...buckets.keys(), Math.ceil(r.elapsedMs / 1000) - 1);
  const seconds = Array.from({ length: last + 1 }, (_, s) => s);
  const points = (f: (xs: number[]) => number) =>
    seconds.map((s) => ({ ms: s * 1000 + 500, value: f(buckets.get(s) ?? []) }));
  const q = (p: number) => (xs: number[]) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;
  return {
    throughput: [{ name: 'ok ops/s', color: '#4c78a8', points: points((xs) => xs.length) }],
    latency: [
      { name: 'p50', color: '#54a24b', points: points(q(0.5)) },
      { name: 'p99', color: '#e45756', points: points(q(0.99)) },
    ],
  };
}

function availabilitySection(r: RunResults): string {
  const fmt = (ms: number | null) => (ms === null ? 'never recovered' : `${ms} ms`);
  const families = r.availability.families
    .map(
      (f) =>
        `<tr><td>${esc(f.kind)}</td><td>${f.faults}</td><td>${fmt(f.medianMs)}</td><td>${fmt(f.maxMs)}</td><td>${f.unrecovered}</td></tr>`,
    )
    .join('');
  const faults = r.availability.faults
    .map(
      (f) =>
        `<tr><td>${(f.atMs / 1000).toFixed(1)} s</td><td>${esc(f.kind)}</td><td>${esc(f.detail)}</td><td>${fmt(f.recoveryMs)}</td></tr>`,
    )
    .join('');
  return `<h2>Availability after each fault</h2>
<p>Time from a fault's start to the first successful operation invoked after it.</p>
<table><tr><th>family</th><th>faults</th><th>median</th><th>max</th><th>unrecovered</th></tr>${families}</table>
<table style="margin-top:8px"><tr><th>at</th><th>fault</th><th>detail</th><th>recovery</th></tr>${faults}</table>`;
}

function findingsSection(r: RunResults): string {
  const v = r.verdict;
  const keys = v.keys.map(
    (k) =>
      `<li>key ${esc(JSON.stringify(k.key))}: ${esc(k.verdict)}${k.reason ? ` (${esc(k.reason)})` : ''}</li>`,
  );
  const appends = v.appendViolations.map((m) => `<li>${esc(m)}</li>`);
  const counter = v.counterexample
    ? `<h3>Shrunk counterexample (key ${esc(JSON.stringify(v.counterexample.key))}, ${v.counterexample.operationsBefore} operations before shrinking)</h3><pre>${esc(v.counterexample.jsonl)}</pre>`
    : '';
  const nothing =
    keys.length + appends.length === 0 ? '<p>The checker found nothing wrong.</p>' : '';
  return `<h2>Checker findings</h2>${nothing}
${keys.length > 0 ? `<p>Linearizability, per key:</p><ul>${keys.join('')}</ul>` : ''}
${appends.length > 0 ? `<p>Append checks:</p><ul>${appends.join('')}</ul>` : ''}
${counter}`;
}
