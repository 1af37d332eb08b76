// Goal: the nemesis catches a real bug. With kv-service's ackBeforeCommit switch on (through the
// server's test-only gate) a leader acknowledges writes it has only proposed, so a partition
// that cuts the leader off loses acknowledged appends, and the run must end `violation`
// (exit 1) within a few seeds. Method: real 3-node runs of 12 s whose schedule cuts the leader
// off twice (a drawn schedule may isolate only followers, which this bug survives), at most
// three seeds, stopping at the first violation.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/commands/run.ts';
import type { RunResults } from '../src/results/run-dir.ts';

/** A schedule that isolates whichever node leads, twice, while clients append. */
function leaderIsolation(seed: number): string {
  const partition = { kind: 'partition', shape: 'isolate-leader' } as const;
  const schedule = {
    version: 1,
    seed,
    nodes: 3,
    persister: 'sqlite',
    clients: 3,
    durationMs: 12_000,
    workload: 'append',
    families: ['partition'],
    skipped: [],
    steps: [
      { atMs: 2000, durationMs: 3000, lane: 0, fault: partition },
      { atMs: 7000, durationMs: 3000, lane: 0, fault: partition },
    ],
  };
  const path = join(root, `schedule-${seed}.json`);
  writeFileSync(path, JSON.stringify(schedule));
  return path;
}

const root = mkdtempSync(join(tmpdir(), 'nemesis-bugs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Seeds tried before the test gives up. */
const seedsMax = 3;

describe('a kv-service bug switch under the nemesis', () => {
  it('ackBeforeCommit is caught as a violation within a few seeds', async () => {
    const lines: string[] = [];
    const verdicts: string[] = [];
    for (let seed = 1; seed <= seedsMax; seed++) {
      const out = join(root, `seed-${seed}`);
      const code = await runCommand(
        {
          nodes: 3,
          persister: 'sqlite',
          clients: 3,
          durationMs: 12_000,
          faults: ['partition', 'kill'],
          workload: 'append',
          seed,
          out,
          runtime: 'real',
          allowAmnesia: false,
          concurrency: 1,
          checkBudgetMs: 20_000,
          testOnlyBugs: 'ackBeforeCommit',
          schedule: leaderIsolation(seed),
        },
        { print: (l) => lines.push(l), tty: false },
      );
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
      verdicts.push(`seed ${seed}: exit ${code} ${results.verdict.verdict}`);
      if (code === 1) break;
    }
    console.log(`ackBeforeCommit: ${verdicts.join('; ')}`);
    expect(verdicts.at(-1), lines.join('\n')).toMatch(/exit 1 violation/);
  });
});
