// Goal: the kvraft-check binary works for real: exit codes 0/1/2/3, --json output, --html and
// --shrink files. Method: spawn bin/kvraft-check.mjs on the Porcupine files and on small
// fixtures written to a temporary folder.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check, kvModel, parseJsonl } from '../src/index.ts';
import { porcupineKvDir } from './porcupine-paths.ts';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/kvraft-check.mjs');
const work = mkdtempSync(path.join(tmpdir(), 'kvraft-check-'));

function run(...args: string[]) {
  const child = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('kvraft-check', () => {
  it('exits 0 on a linearizable history', () => {
    const result = run(path.join(porcupineKvDir, 'c10-ok.txt'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(': ok');
  });

  it('exits 1 on a violation and prints JSON with --json', () => {
    const result = run(path.join(porcupineKvDir, 'c50-bad.txt'), '--json');
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.verdict).toBe('illegal');
    expect(summary.format).toBe('porcupine');
    expect(summary.linearizability.partitions).toHaveLength(10);
  });

  it('exits 2 when the budget runs out before a verdict', () => {
    // c50-ok needs thousands of steps on some keys; 1 ms ends them after their first slice.
    const result = run(path.join(porcupineKvDir, 'c50-ok.txt'), '--budget-ms', '1', '--json');
    expect(result.code).toBe(2);
    const reasons = JSON.parse(result.stdout).linearizability.partitions.map(
      (p: { reason?: string }) => p.reason,
    );
    expect(reasons.some((reason: string | undefined) => /time-budget/.test(reason ?? ''))).toBe(
      true,
    );
  });

  it('exits 3 with the line and reason on malformed input', () => {
    const file = path.join(work, 'bad.jsonl');
    writeFileSync(
      file,
      '{"type":"invoke","process":1,"f":"get","key":"k","time":5}\n{"type":"ok","process":1,"f":"get","key":"k","value":"","time":4}\n',
    );
    const result = run(file);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('line 2: time-backwards');
  });

  it('exits 3 on a missing file', () => {
    expect(run(path.join(work, 'missing.jsonl')).code).toBe(3);
  });

  it('writes a self-contained HTML report and a shrunk JSONL fixture', () => {
    const html = path.join(work, 'report.html');
    const shrunk = path.join(work, 'shrunk.jsonl');
    const result = run(
      path.join(porcupineKvDir, 'c01-bad.txt'),
      '--html',
      html,
      '--shrink',
      shrunk,
    );
    expect(result.code).toBe(1);
    expect(readFileSync(html, 'utf8')).toContain('Key &quot;7&quot;: illegal');
    const fixture = parseJsonl(readFileSync(shrunk, 'utf8'));
    expect(fixture.ok && check(fixture.history, kvModel).verdict).toBe('illegal');
  });

  it('reads Jepsen EDN register histories and picks the register model', () => {
    const file = path.join(work, 'history.edn');
    writeFileSync(
      file,
      '{:type :invoke, :f :write, :value 1, :process 0, :time 1}\n{:type :ok, :f :write, :value 1, :process 0, :time 2}\n{:type :invoke, :f :read, :value nil, :process 1, :time 3}\n{:type :ok, :f :read, :value 1, :process 1, :time 4}\n',
    );
    const result = run(file, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).linearizability.model).toBe('register');
  });
});
