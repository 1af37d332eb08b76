// Goal: `--runtime sim` plays the same schedule format on virtual time, deterministically: one
// seed gives byte-identical histories, the run is valid, every file of DIR is written, and
// `check` and `report` rebuild from those files alone. Method: runCommand twice on the same seed
// (a few virtual seconds each, well under a second of wall time per run).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { damageAppliesTo, diskDamages, type FaultSpec } from '@kvraft/cluster';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCommand, reportCommand } from '../src/commands/check.ts';
import { replayCommand } from '../src/commands/replay.ts';
import { runCommand } from '../src/commands/run.ts';
import type { RunOptions } from '../src/commands/run-options.ts';
import type { RunResults } from '../src/results/run-dir.ts';

const root = mkdtempSync(join(tmpdir(), 'nemesis-sim-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const base: RunOptions = {
  nodes: 3,
  persister: 'sqlite',
  clients: 3,
  durationMs: 16_000,
  faults: ['kill', 'pause', 'partition', 'link', 'restart', 'flood', 'transfer'],
  workload: 'mixed',
  seed: 42,
  out: '',
  runtime: 'sim',
  allowAmnesia: false,
  concurrency: 1,
  checkBudgetMs: 20_000,
};

async function run(name: string): Promise<{ code: number; lines: string[]; dir: string }> {
  const lines: string[] = [];
  const dir = join(root, name);
  const code = await runCommand({ ...base, out: dir }, { print: (l) => lines.push(l), tty: false });
  return { code, lines, dir };
}

describe('kvraft-nemesis run --runtime sim', () => {
  it('replays a seed exactly and leaves a valid, complete run dir', async () => {
    const first = await run('a');
    const second = await run('b');
    expect(first.code, first.lines.join('\n')).toBe(0);
    const history = readFileSync(join(first.dir, 'history.jsonl'), 'utf8');
    expect(history).toBe(readFileSync(join(second.dir, 'history.jsonl'), 'utf8'));
    for (const file of [
      'history.jsonl',
      'history.edn',
      'schedule.json',
      'results.json',
      'report.html',
    ]) {
      expect(existsSync(join(first.dir, file)), file).toBe(true);
    }
    const results = JSON.parse(readFileSync(join(first.dir, 'results.json'), 'utf8')) as RunResults;
    expect(results.verdict.verdict).toBe('valid');
    expect(results.counts.ok).toBeGreaterThan(100);
    expect(results.timeline.some((e) => e.phase === 'start')).toBe(true);
    expect(results.skipped).toEqual([]);
    expect(first.lines.at(-1)).toMatch(/^nemesis VALID: sim /);
  });

  it('re-checks, rebuilds the report and replays from the files alone', async () => {
    const { dir } = await run('c');
    const lines: string[] = [];
    const deps = { print: (l: string) => lines.push(l), tty: false };
    expect(checkCommand(dir, deps)).toBe(0);
    rmSync(join(dir, 'report.html'));
    expect(reportCommand(dir, deps)).toBe(0);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/<svg/);
    expect(await replayCommand(dir, { allowAmnesia: false }, deps)).toBe(0);
    const replayed = readFileSync(join(dir, 'replay-1', 'history.jsonl'), 'utf8');
    expect(replayed).toBe(readFileSync(join(dir, 'history.jsonl'), 'utf8'));
  });
});

// Every disk fault the real runtime knows, one after another, as the simulator models it: file
// damages become a wiped store or a lost tail (the watermark survives), slow saves wait, failed
// saves stop the node. None may be skipped, and the run must stay valid with no append lost.
function everyDiskFault(persister: 'sqlite' | 'level'): string {
  const faults: FaultSpec[] = [
    ...diskDamages
      .filter((damage) => damageAppliesTo(damage, persister))
      .map((damage, i) => ({ kind: 'disk', damage, target: i % 2 ? 'random' : 'leader' }) as const),
    { kind: 'disk-io', mode: 'slow', delayMs: 50, target: 'leader' },
    { kind: 'disk-io', mode: 'eio', delayMs: 0, target: 'leader' },
    { kind: 'disk-io', mode: 'enospc', delayMs: 0, target: 'random' },
  ];
  const schedule = {
    version: 1,
    seed: 5,
    nodes: 3,
    persister,
    clients: 3,
    durationMs: 2000 + faults.length * 4000 + 4000,
    workload: 'append',
    families: ['disk'],
    skipped: [],
    steps: faults.map((fault, i) => ({ atMs: 2000 + i * 4000, durationMs: 3000, lane: 0, fault })),
  };
  const path = join(root, `${persister}-disk.json`);
  writeFileSync(path, JSON.stringify(schedule));
  return path;
}

describe.each(['sqlite', 'level'] as const)('disk faults in --runtime sim on %s', (persister) => {
  it('applies every damage and disk-io fault, and loses no append', async () => {
    const lines: string[] = [];
    const dir = join(root, `${persister}-disk`);
    const schedule = everyDiskFault(persister);
    const options = { ...base, persister, workload: 'append' as const, faults: ['disk' as const] };
    const code = await runCommand(
      { ...options, out: dir, schedule },
      { print: (l) => lines.push(l), tty: false },
    );
    const log = lines.join('\n');
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResults;
    const steps = JSON.parse(readFileSync(schedule, 'utf8')).steps.length as number;
    expect(
      results.timeline.filter((e) => e.phase === 'skip'),
      log,
    ).toEqual([]);
    expect(results.timeline.filter((e) => e.phase === 'start').length, log).toBe(steps);
    expect(results.verdict.verdict, log).toBe('valid');
    expect(results.verdict.appends, log).toBe('ok');
    expect(code, log).toBe(0);
    // A wiped or cut store really lost entries: the runtime said what each damage left.
    expect(log, log).toMatch(/tail-32: log end \d+→\d+/);
    expect(log, log).toMatch(/wipe: log end \d+→0/);
  });
});
