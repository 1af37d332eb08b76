// Goal: faults on a running node's saves reach the real node through the server's test-only
// wrapper: an EIO on the leader's saves makes that node fail (its log names the injected EIO)
// and the nemesis starts it again; slow saves are applied; the cluster stays available and the
// verdict and exit code agree. Method: a hand-written schedule (EIO on the leader, then 200 ms
// saves on the next leader) on a real 3-node SQLite cluster, 12 s.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Schedule } from '@kvraft/cluster';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/commands/run.ts';
import type { RunResults } from '../src/results/run-dir.ts';
import { exitCodeOf } from '../src/results/verdict.ts';

const root = mkdtempSync(join(tmpdir(), 'nemesis-disk-io-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const schedule: Schedule = {
  version: 1,
  seed: 4,
  nodes: 3,
  persister: 'sqlite',
  clients: 3,
  durationMs: 12_000,
  workload: 'append',
  families: ['disk'],
  skipped: [],
  steps: [
    {
      atMs: 2000,
      durationMs: 2500,
      lane: 0,
      fault: { kind: 'disk-io', mode: 'eio', delayMs: 0, target: 'leader' },
    },
    {
      atMs: 6000,
      durationMs: 2500,
      lane: 0,
      fault: { kind: 'disk-io', mode: 'slow', delayMs: 200, target: 'leader' },
    },
  ],
};

describe('disk-io faults on a running node', () => {
  it('fails the leader’s saves with EIO, slows the next leader’s, and recovers', async () => {
    const path = join(root, 'schedule.json');
    writeFileSync(path, JSON.stringify(schedule));
    const lines: string[] = [];
    const out = join(root, 'run');
    const code = await runCommand(
      {
        nodes: 3,
        persister: 'sqlite',
        clients: 3,
        durationMs: 12_000,
        faults: ['disk'],
        workload: 'append',
        seed: 4,
        out,
        runtime: 'real',
        allowAmnesia: false,
        concurrency: 1,
        checkBudgetMs: 20_000,
        schedule: path,
      },
      { print: (l) => lines.push(l), tty: false },
    );
    const log = lines.join('\n');
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
    const started = results.timeline.filter((e) => e.phase === 'start').map((e) => e.detail);
    expect(started, log).toEqual([
      expect.stringMatching(/saves fail EIO on node \d/),
      expect.stringMatching(/saves \+200 ms on node \d/),
    ]);
    const logs = readdirSync(join(out, 'cluster')).filter((f) => f.endsWith('.log'));
    const nodeLogs = logs.map((f) => readFileSync(join(out, 'cluster', f), 'utf8')).join('\n');
    expect(nodeLogs).toMatch(/EIO: injected by the test-only disk-fault wrapper/);
    expect(
      results.availability.faults.every((f) => f.recoveryMs !== null),
      log,
    ).toBe(true);
    expect(code).toBe(exitCodeOf(results.verdict.verdict));
  });
});
