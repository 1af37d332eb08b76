// Renders a self-contained HTML report (one file: inline CSS and JS, no network) of a check: for
// each illegal partition, a per-client timeline of its operations with the longest linearizable
// prefix numbered, the operation that cannot be placed in red, the shrunk counterexample
// outlined, and a plain-language explanation of that counterexample. A report with nothing
// illegal draws the timelines of its first partitions instead, so an ok report shows its history.

import type { AppendCheckResult } from '../appends/check-appends.ts';
import type { History, Operation } from '../history/types.ts';
import type { CheckResult, PartitionResult } from '../linearizability/check-result.ts';
import type { Model } from '../model/model.ts';
import { type ExplainOptions, type Explanation, explain, formatTime } from './explain.ts';

/** Options of `renderHtml`. */
export interface RenderOptions {
  readonly title?: string;
  readonly appends?: AppendCheckResult;
  /** Partitions drawn (illegal ones first; the rest are listed in the table). */
  readonly partitionsMax?: number;
  /** Operations drawn per partition timeline (the earliest-invoked ones). */
  readonly operationsDrawnMax?: number;
  /** Budgets of the shrinking behind the explanations. */
  readonly explain?: ExplainOptions;
}

const rowHeight = 22;
const width = 1100;
const labelWidth = 90;

/** Renders the report as one HTML document string. */
export function renderHtml<State>(
  history: History,
  result: CheckResult,
  model: Model<State>,
  options: RenderOptions = {},
): string {
  const partitionsMax = options.partitionsMax ?? 20;
  const explanations = explain(history, result, model, {
    ...options.explain,
    partitionsMax,
  });
  const illegalPartitions = result.partitions.filter(
    (partition) => partition.verdict === 'illegal',
  );
  // With nothing illegal, the first partitions are drawn so the reader still sees the history.
  const drawn =
    illegalPartitions.length > 0
      ? illegalPartitions.slice(0, partitionsMax)
      : result.partitions.slice(0, Math.min(partitionsMax, 5));
  const operationsMax = options.operationsDrawnMax ?? 500;
  const sections = drawn.map((partition) => {
    const explanation = explanations.find((item) => item.key === partition.key);
    return renderPartition(history, partition, model, explanation, operationsMax);
  });
  const drewOperations = drawn.some((partition) => partition.operationCount > 0);
  const title = options.title ?? 'kvraft-check report';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${css}</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p class="verdict ${result.verdict}">Verdict: <b>${result.verdict}</b> — ${result.operationCount} operations, model ${escapeHtml(result.model)}, ${result.partitions.length} partitions, checked in ${result.elapsedMs.toFixed(1)} ms.</p>
${renderSummary(result)}
${options.appends === undefined ? '' : renderAppends(options.appends)}
${sections.join('\n')}
${drewOperations ? `<div id="detail" class="detail">Hover an operation for details.</div>\n<script>${script}</script>` : ''}
</body></html>
`;
}

function renderSummary(result: CheckResult): string {
  const rows = result.partitions.map(
    (partition) =>
      `<tr class="${partition.verdict}"><td>${escapeHtml(partition.key)}</td><td>${partition.verdict}</td><td>${partition.reason ?? ''}</td><td>${partition.operationCount}</td><td>${partition.steps}</td><td>${partition.elapsedMs.toFixed(1)}</td></tr>`,
  );
  return `<table><tr><th>key</th><th>verdict</th><th>reason</th><th>operations</th><th>steps</th><th>ms</th></tr>${rows.join('')}</table>`;
}

function renderAppends(appends: AppendCheckResult): string {
  const items = appends.violations.map((violation) => `<li>${escapeHtml(violation.message)}</li>`);
  return `<h2>Append checks: ${appends.verdict}</h2><ul>${items.join('')}</ul>`;
}

function renderPartition<State>(
  history: History,
  partition: PartitionResult,
  model: Model<State>,
  explanation: Explanation | undefined,
  operationsMax: number,
): string {
  const all = history.operations.filter(
    (operation) => (operation.key ?? '') === partition.key && operation.status !== 'fail',
  );
  const operations = all.slice(0, operationsMax);
  const bars = renderBars(operations, partition, model, new Set(explanation?.counterexample));
  const paragraphs = (explanation?.sentences ?? []).map((s) => `<p>${escapeHtml(s)}</p>`).join('');
  const cut =
    operations.length < all.length
      ? `<p class="legend">Showing the first ${operations.length} of ${all.length} operations.</p>`
      : '';
  const legend =
    partition.verdict === 'illegal'
      ? '<span class="placed">numbered: longest linearizable prefix, in order</span> <span class="blocked">red: cannot be placed next</span> <span class="culprit">outlined: the shrunk counterexample</span> <span class="other">grey: not placed</span> dashed: indeterminate (info)'
      : `<span class="other">${partition.verdict === 'ok' ? 'an order of these operations is linearizable' : `undecided: ${escapeHtml(partition.reason ?? '')}`}</span> dashed: indeterminate (info)`;
  return `<section><h2>Key ${escapeHtml(JSON.stringify(partition.key))}: ${partition.verdict}</h2>
${paragraphs === '' ? '' : `<div class="explanation">${paragraphs}</div>`}
<p class="legend">${legend}</p>${cut}
${bars}</section>`;
}

/** The per-client timeline of `operations` as an inline SVG. */
function renderBars<State>(
  operations: readonly Operation[],
  partition: PartitionResult,
  model: Model<State>,
  culprits: ReadonlySet<number>,
): string {
  const order = new Map(partition.longestPrefix.map((id, index) => [id, index + 1]));
  const processes = [...new Set(operations.map((operation) => operation.process))].sort(
    (a, b) => a - b,
  );
  const startNs = operations.reduce((min, o) => Math.min(min, o.callNs), Number.POSITIVE_INFINITY);
  const endNs = operations.reduce(
    (max, o) => Math.max(max, Number.isFinite(o.returnNs) ? o.returnNs : o.callNs),
    startNs + 1,
  );
  const x = (ns: number): number =>
    labelWidth + ((Math.min(ns, endNs) - startNs) / (endNs - startNs)) * (width - labelWidth - 20);
  const bars = operations.map((operation) => {
    const row = processes.indexOf(operation.process);
    const right = Number.isFinite(operation.returnNs) ? x(operation.returnNs) : width - 10;
    const kind =
      operation.id === partition.blockedOperation
        ? 'blocked'
        : order.has(operation.id)
          ? 'placed'
          : 'other';
    const classes = `op ${kind}${operation.status === 'info' ? ' info' : ''}${culprits.has(operation.id) ? ' culprit' : ''}`;
    const label = order.get(operation.id) ?? '';
    const detail = `${model.describeOperation(operation)} · client ${operation.process} · ${operation.status} · ${formatTime(operation.callNs - startNs)} → ${formatTime(operation.returnNs - startNs)} · line ${operation.callLine}`;
    return `<g class="${classes}" data-detail="${escapeHtml(detail)}"><rect x="${x(operation.callNs).toFixed(1)}" y="${row * rowHeight + 4}" width="${Math.max(3, right - x(operation.callNs)).toFixed(1)}" height="${rowHeight - 8}"></rect><text x="${(x(operation.callNs) + 2).toFixed(1)}" y="${row * rowHeight + 15}">${label}</text></g>`;
  });
  const labels = processes.map(
    (process, row) =>
      `<text class="client" x="4" y="${row * rowHeight + 15}">client ${process}</text>`,
  );
  const height = processes.length * rowHeight + 8;
  return `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${labels.join('')}${bars.join('')}</svg>`;
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const css = `body{font:14px system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}
tr.illegal td{background:#fde2e2}tr.unknown td{background:#fff4d6}
.verdict.illegal b{color:#b00}.verdict.ok b{color:#070}.verdict.unknown b{color:#a60}
.explanation{background:#f6f6f6;border-left:4px solid #b00;padding:4px 12px}
svg{border:1px solid #ddd;background:#fff}svg text{font-size:11px}
.op rect{fill:#ccc;stroke:#888}.op.placed rect{fill:#b7e4b0;stroke:#3a7}.op.blocked rect{fill:#f59b9b;stroke:#b00;stroke-width:2}
.op.info rect{stroke-dasharray:4 2}.op.culprit rect{stroke:#000;stroke-width:2.5}.op:hover rect{stroke:#000;stroke-width:2}
.legend span{margin-right:12px}.legend .placed{color:#3a7}.legend .blocked{color:#b00}.legend .other{color:#888}.legend .culprit{font-weight:bold}
.detail{position:sticky;bottom:0;background:#222;color:#fff;padding:6px 10px;font-family:monospace}`;

const script = `document.querySelectorAll('.op').forEach(function (node) {
  node.addEventListener('mouseenter', function () {
    document.getElementById('detail').textContent = node.getAttribute('data-detail');
  });
});`;
