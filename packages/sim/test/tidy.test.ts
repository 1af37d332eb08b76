// Goal: the simulator's source stays deterministic and within the style limits (STYLE.md §5).
// Method: scan packages/sim/src as text: no wall clocks, randomness, timers, node: imports,
// process or console outside cli/ folders and src/runtime/settle.ts; no FIXME; functions ≤ 70 lines
// (approximated by brace-balanced blocks that start at a function or method header).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const sourceRoot = join(import.meta.dirname, '..', 'src');
const banned: ReadonlyArray<{ pattern: RegExp; use: string }> = [
  { pattern: /\bDate\.now\b|\bnew Date\(/, use: 'Scheduler.nowMs / Clock.now' },
  { pattern: /\bperformance\.now\b/, use: 'Scheduler.nowMs' },
  { pattern: /\bMath\.random\b/, use: 'Prng' },
  {
    pattern: /\b(setTimeout|setInterval|setImmediate|queueMicrotask)\b/,
    use: 'Scheduler.schedule',
  },
  { pattern: /from 'node:/, use: 'nothing: keep I/O at the edges' },
  { pattern: /\bprocess\./, use: 'options passed in by the CLI or test' },
  { pattern: /\bconsole\./, use: 'a print callback' },
  { pattern: /\bcrypto\./, use: 'Prng' },
];

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles(sourceRoot).map((path) => relative(sourceRoot, path));
// CLIs (src/cli/ and any nested cli/ folder, e.g. src/kv/cli/) are the edge: they print and time.
const deterministic = files.filter(
  (file) => !/(^|\/)cli\//.test(file) && file !== 'runtime/settle.ts',
);

describe('tidy', () => {
  it('keeps nondeterministic APIs out of the deterministic zone', () => {
    const offences: string[] = [];
    for (const file of deterministic) {
      const lines = readFileSync(join(sourceRoot, file), 'utf8').split('\n');
      lines.forEach((line, at) => {
        if (line.trimStart().startsWith('//')) return;
        for (const { pattern, use } of banned) {
          if (pattern.test(line)) offences.push(`${file}:${at + 1}: ${line.trim()} (use ${use})`);
        }
      });
    }
    expect(deterministic.length).toBeGreaterThan(10);
    expect(offences).toEqual([]);
  });

  it('has no FIXME and no function longer than 70 lines', () => {
    const offences: string[] = [];
    const header =
      /^\s*(export\s+)?(async\s+)?(function\s+\w+|(private\s+|static\s+)*(async\s+)?\w+\s*\(.*\)\s*(:\s*[^=]+)?\{\s*$)/;
    for (const file of files) {
      const lines = readFileSync(join(sourceRoot, file), 'utf8').split('\n');
      lines.forEach((line, at) => {
        if (line.includes('FIXME')) offences.push(`${file}:${at + 1}: FIXME`);
        if (!header.test(line) || /^\s*(if|for|while|switch|catch)\b/.test(line)) return;
        let depth = 0;
        let end = at;
        for (; end < lines.length; end++) {
          for (const ch of lines[end]!) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
          if (depth <= 0 && end > at) break;
        }
        if (end - at + 1 > 70) offences.push(`${file}:${at + 1}: ${end - at + 1} lines`);
      });
    }
    expect(offences).toEqual([]);
  });
});
