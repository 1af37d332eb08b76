// Goal: a real 3-node cluster of child processes, on SQLite and on LevelDB, survives a SIGKILL
// of its leader mid-load and a restart on the same data dir: the recorded history is
// linearizable, no acknowledged append is lost and none applies twice (the checker's append
// checks). Method: `kvraft demo`'s run(), bounded to a few seconds of load per persister;
// CLUSTER_SOAK=1 runs a longer load.
import { describe, expect, it } from 'vitest';
import { run } from '../src/commands/demo.ts';

const durationMs = process.env['CLUSTER_SOAK'] === '1' ? 60_000 : 5000;

describe.each([
  'sqlite',
  'level',
] as const)('a 3-node %s cluster under a leader SIGKILL', (persister) => {
  it('keeps every acknowledged write, applies each append once, and stays linearizable', async () => {
    const lines: string[] = [];
    const report = await run(
      { persister, durationMs, clients: 4, keys: 4, seed: 1, keep: false },
      { print: (line) => lines.push(line) },
    );
    const context = lines.join('\n');
    expect(
      lines.some((l) => l.startsWith('nemesis: SIGKILL leader')),
      context,
    ).toBe(true);
    expect(report.ops, context).toBeGreaterThan(50);
    expect(report.leaderChanges, context).toBeGreaterThanOrEqual(1);
    expect(report.appends, context).toBe('ok');
    expect(report.linearizable, context).toBe('ok');
  }, 90_000);
});
