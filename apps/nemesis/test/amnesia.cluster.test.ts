// Goal: a memory node restarted on its data dir never rejoins as a voter with nothing. After
// every node of a memory cluster is SIGKILLed and restarted, each one knows from its ack
// watermark that it lost what it acknowledged, so none votes: the cluster stays without a
// leader, and no acknowledged append is lost (verdict valid). With the watermark switched off
// (test-only) the same run loses acknowledged appends and the checker must say so: verdict
// `violation`, exit code 1, a lost write named. Method: a hand-written schedule.json (one kill of
// every node mid-run) run with --allow-amnesia on a real 3-node cluster.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Schedule } from '@kvraft/cluster';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/commands/run.ts';
import type { RunResults } from '../src/results/run-dir.ts';

const root = mkdtempSync(join(tmpdir(), 'nemesis-amnesia-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const schedule: Schedule = {
  version: 1,
  seed: 3,
  nodes: 3,
  persister: 'memory',
  clients: 3,
  durationMs: 10_000,
  workload: 'append',
  families: ['kill'],
  skipped: [],
  steps: [{ atMs: 3000, durationMs: 1500, lane: 0, fault: { kind: 'kill', target: 'all' } }],
};

describe('the memory persister under the nemesis', () => {
  const path = join(root, 'schedule.json');
  const lines: string[] = [];
  const deps = { print: (l: string) => lines.push(l), tty: false };
  const common = {
    nodes: 3,
    persister: 'sqlite',
    clients: 3,
    durationMs: 10_000,
    faults: ['kill'],
    workload: 'append',
    seed: 3,
    runtime: 'real',
    concurrency: 1,
    checkBudgetMs: 20_000,
    schedule: path,
  } as const;
  const results = (out: string) =>
    JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;

  it('is refused without --allow-amnesia', async () => {
    writeFileSync(path, JSON.stringify(schedule));
    const out = join(root, 'refused');
    expect(await runCommand({ ...common, out, allowAmnesia: false }, deps)).toBe(3);
  });

  it('elects nobody after everyone restarts empty, and loses no acknowledged write', async () => {
    writeFileSync(path, JSON.stringify(schedule));
    const out = join(root, 'protected');
    const code = await runCommand({ ...common, out, allowAmnesia: true }, deps);
    const log = lines.join('\n');
    expect(code, log).toBe(0);
    const run = results(out);
    expect(run.verdict.verdict).toBe('valid');
    expect(run.verdict.appends).toBe('ok');
    // The kill ends at 4.5 s; give the restarted nodes two seconds to (not) elect anyone.
    const after = run.leaders.filter((sample) => sample.atMs > 6500);
    expect(after.length).toBeGreaterThan(0);
    expect(
      after.every((sample) => sample.leader === null),
      JSON.stringify(after),
    ).toBe(true);
  });

  it('with the watermark switched off (test-only), the checker finds the lost writes', async () => {
    writeFileSync(path, JSON.stringify(schedule));
    const out = join(root, 'unprotected');
    const options = { ...common, out, allowAmnesia: true, testOnlyBugs: 'noAckWatermark' };
    const code = await runCommand(options, deps);
    const log = lines.join('\n');
    expect(code, log).toBe(1);
    const run = results(out);
    expect(run.verdict.verdict).toBe('violation');
    expect(run.verdict.appends, log).toBe('illegal');
    expect(run.verdict.appendViolations.join('\n')).toMatch(/lost|never|missing/i);
    expect(lines.at(-1)).toMatch(/^nemesis VIOLATION: real memory /);
  });
});
