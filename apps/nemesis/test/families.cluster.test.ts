// Goal: every fault family runs against a real 3-node cluster on SQLite and on LevelDB and the
// nemesis reports what it saw: process, network, restart and flood faults leave a valid history
// (exit 0), each family appears in the fault timeline, and disk damage is applied and loses
// nothing (a damaged node is refused or rejoins without a vote until caught up). Method: runCommand
// with two families per 14 s run (the schedule cycles families, so both occur), child processes
// behind the fault proxies, every process stopped by the run itself.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultFamily } from '@kvraft/cluster';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/commands/run.ts';
import type { RunResults } from '../src/results/run-dir.ts';
import { exitCodeOf } from '../src/results/verdict.ts';

const root = mkdtempSync(join(tmpdir(), 'nemesis-families-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const groups: FaultFamily[][] = [
  ['kill', 'pause'],
  ['partition', 'link'],
  ['restart', 'flood'],
  ['disk', 'transfer'],
];

async function play(persister: 'sqlite' | 'level', faults: FaultFamily[]) {
  const lines: string[] = [];
  const out = join(root, `${persister}-${faults.join('-')}`);
  const code = await runCommand(
    {
      nodes: 3,
      persister,
      clients: 3,
      durationMs: 14_000,
      faults,
      workload: 'append',
      seed: 5,
      out,
      runtime: 'real',
      allowAmnesia: false,
      concurrency: 1,
      checkBudgetMs: 20_000,
    },
    { print: (l) => lines.push(l), tty: false },
  );
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
  return { code, results, log: lines.join('\n') };
}

describe.each(['sqlite', 'level'] as const)('the nemesis on a 3-node %s cluster', (persister) => {
  it.each(
    groups.filter((g) => g[0] !== 'disk'),
  )('runs %s and %s faults and finds the history valid', async (...faults) => {
    const { code, results, log } = await play(persister, faults);
    expect(code, log).toBe(0);
    const kinds = new Set(results.timeline.filter((e) => e.phase === 'start').map((e) => e.kind));
    for (const family of faults) expect(kinds, `${family}\n${log}`).toContain(family);
    expect(results.counts.ok, log).toBeGreaterThan(20);
    expect(results.availability.faults.length).toBeGreaterThanOrEqual(faults.length);
  });

  it('damages disks and storms leadership transfers, and the history stays valid', async () => {
    const { code, results, log } = await play(persister, ['disk', 'transfer']);
    const damage = results.timeline.filter((e) => e.kind.startsWith('disk') && e.phase === 'start');
    expect(damage.length, log).toBeGreaterThan(0);
    for (const event of damage) {
      expect(event.detail).toMatch(
        /flipped|truncated|deleted|saves \+\d+ ms|saves fail (EIO|ENOSPC)/,
      );
    }
    expect(results.verdict.verdict, log).toBe('valid');
    expect(code).toBe(exitCodeOf(results.verdict.verdict));
    expect(
      results.timeline.some((e) => e.kind === 'transfer' && e.phase === 'start'),
      log,
    ).toBe(true);
    console.log(`disk faults on ${persister}: ${log.split('\n').at(-1)}`);
  });
});
