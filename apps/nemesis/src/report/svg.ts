// Small SVG helpers for the run report: escaping, a time axis, and a line chart. Everything is
// inline markup (no scripts, no network), so the page is one self-contained file.

/** Escapes text for HTML and SVG. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Pixel geometry of the report's time charts. */
export const chart = { width: 1100, left: 110, right: 20 } as const;

/** Maps milliseconds of the run to an x pixel. */
export function xOf(ms: number, durationMs: number): number {
  const span = chart.width - chart.left - chart.right;
  return chart.left + (Math.max(0, Math.min(ms, durationMs)) / Math.max(1, durationMs)) * span;
}

/** A time axis with a tick every few seconds, drawn at `y`. */
export function timeAxis(durationMs: number, y: number): string {
  const stepMs = niceStep(durationMs);
  const ticks: string[] = [];
  for (let ms = 0; ms <= durationMs; ms += stepMs) {
    const x = xOf(ms, durationMs).toFixed(1);
    ticks.push(`<line x1="${x}" y1="${y}" x2="${x}" y2="${y + 4}" stroke="#888"/>`);
    ticks.push(
      `<text x="${x}" y="${y + 15}" font-size="10" text-anchor="middle">${ms / 1000}s</text>`,
    );
  }
  return `<line x1="${chart.left}" y1="${y}" x2="${chart.width - chart.right}" y2="${y}" stroke="#888"/>${ticks.join('')}`;
}

/** One series of a line chart. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly { readonly ms: number; readonly value: number }[];
}

/** A line chart over the run's time, with a y axis from 0 to the largest value. */
export function lineChart(
  title: string,
  unit: string,
  series: readonly Series[],
  durationMs: number,
): string {
  const height = 170;
  const top = 20;
  const bottom = height - 30;
  const max = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.value)));
  const yOf = (v: number) => bottom - (v / max) * (bottom - top);
  const lines = series.map((s) => {
    const d = s.points.map(
      (p, i) =>
        `${i === 0 ? 'M' : 'L'}${xOf(p.ms, durationMs).toFixed(1)},${yOf(p.value).toFixed(1)}`,
    );
    return `<path d="${d.join('')}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`;
  });
  const legend = series.map(
    (s, i) =>
      `<text x="${chart.left + 10 + i * 120}" y="12" font-size="11" fill="${s.color}">■ ${esc(s.name)}</text>`,
  );
  return `<h2>${esc(title)}</h2><svg width="${chart.width}" height="${height}" role="img" aria-label="${esc(title)}">
<text x="${chart.left - 8}" y="${top + 4}" font-size="10" text-anchor="end">${Math.round(max)} ${esc(unit)}</text>
<text x="${chart.left - 8}" y="${bottom}" font-size="10" text-anchor="end">0</text>
${legend.join('')}${lines.join('')}${timeAxis(durationMs, bottom)}</svg>`;
}

function niceStep(durationMs: number): number {
  for (const step of [1000, 2000, 5000, 10_000, 30_000, 60_000, 300_000]) {
    if (durationMs / step <= 15) return step;
  }
  return 600_000;
}
