// Goal: the CLI never leaves a node behind and never touches a process it did not start.
// `cluster up` on a dir whose cluster runs is refused and leaves its pid file alone; `cluster
// down` signals a pid only while it is still the node it started, says what became of each, and
// removes the pid file; SIGINT, SIGTERM, SIGKILL of `cluster up`, `cluster up | head`, and
// SIGINT/SIGTERM of `demo` all end with every node pid gone (and the demo's temp dir removed);
// `--nodes` takes 3, 5 or 7. Method: the compiled bin in child processes on 127.0.0.1, real
// signals, temp dirs; every wait bounded; only processes this file started are signalled.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  alive,
  kvraft,
  nodePids,
  type Running,
  serversOf,
  start,
  waitFor,
} from './support/run-bin.ts';

/** How long a cluster may take to elect a leader on a busy 2-core machine. */
const leaderWaitMs = 60_000;
/** How long stopped nodes may take to exit (SIGTERM, then the 5 s SIGKILL grace). */
const exitWaitMs = 20_000;

const root = mkdtempSync(join(tmpdir(), 'kvraft-life-'));
const started: Running[] = [];

afterAll(async () => {
  for (const run of started) if (run.child.exitCode === null) run.child.kill('SIGKILL');
  for (const entry of ['a', 'b', 'c', 'd', 'e', 'f']) {
    for (const pid of nodePids(join(root, entry))) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(root, { recursive: true, force: true });
});

async function upWithLeader(dir: string, extra: string[] = [], shell?: string): Promise<Running> {
  const args = ['cluster', 'up', '--persister', 'memory', '--dir', dir, ...extra];
  const run = start(args, shell);
  started.push(run);
  const ready = await waitFor(
    () => (shell === undefined ? /leader: node \d/.test(run.output()) : nodePids(dir).length === 3),
    leaderWaitMs,
  );
  expect(ready, run.output()).toBe(true);
  return run;
}

describe('cluster up and down', () => {
  it('refuses a second cluster up on a running dir, and down stops exactly its nodes', async () => {
    const dir = join(root, 'a');
    const first = await upWithLeader(dir);
    const pidFile = readFileSync(join(dir, 'cluster.json'), 'utf8');
    const pids = nodePids(dir);
    expect(pids).toHaveLength(3);
    const second = await kvraft(['cluster', 'up', '--persister', 'memory', '--dir', dir]);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain('is in use by a running cluster');
    expect(readFileSync(join(dir, 'cluster.json'), 'utf8')).toBe(pidFile);
    expect(pids.every(alive)).toBe(true);
    const down = await kvraft(['cluster', 'down', '--dir', dir]);
    expect(down.stdout).toContain(`stopped 3 node(s): ${pids.join(' ')}`);
    expect(down.code).toBe(0);
    expect(await waitFor(() => !pids.some(alive), exitWaitMs)).toBe(true);
    expect(existsSync(join(dir, 'cluster.json'))).toBe(false);
    expect(await first.exited).toBe(0);
    expect(existsSync(join(dir, 'cluster.lock'))).toBe(false);
  }, 120_000);

  it('does not signal a pid that is no longer the node it started, and says so', async () => {
    const dir = join(root, 'b');
    mkdirSync(dir, { recursive: true });
    const stranger = spawn('sleep', ['60'], { stdio: 'ignore' });
    const gone = spawn('true', [], { stdio: 'ignore' });
    await new Promise((resolve) => gone.once('exit', resolve));
    try {
      const argv = [process.execPath, '/nowhere/kvraft-server.js', '--id', '1'];
      const nodes = [
        { id: 1, pid: stranger.pid, argv, endpoint: '127.0.0.1:1', metrics: '127.0.0.1:2' },
        { id: 2, pid: gone.pid, argv, endpoint: '127.0.0.1:3', metrics: '127.0.0.1:4' },
      ];
      writeFileSync(join(dir, 'cluster.json'), JSON.stringify({ nodes }));
      const down = await kvraft(['cluster', 'down', '--dir', dir, '--grace-ms', '200']);
      expect(down.stdout).toContain(`node 1: pid ${stranger.pid} not our node`);
      expect(down.stdout).toContain(`node 2: pid ${gone.pid} already exited`);
      expect(down.stdout).toContain('stopped 0 node(s)');
      expect(alive(stranger.pid!)).toBe(true);
      expect(existsSync(join(dir, 'cluster.json'))).toBe(false);
    } finally {
      stranger.kill('SIGKILL');
    }
  }, 60_000);

  it.each([
    ['a bad number', ['--nodes', 'abc'], "expected 3, 5, 7 nodes, got 'abc'"],
    ['an even size', ['--nodes', '4'], "expected 3, 5, 7 nodes, got '4'"],
  ])('refuses --nodes with %s', async (_name, flags, message) => {
    const result = await kvraft(['cluster', 'up', '--dir', join(root, 'never'), ...flags]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(message);
    expect(existsSync(join(root, 'never'))).toBe(false);
  });
});

describe('no orphans', () => {
  it.each([
    ['SIGINT', 'c', 3],
    ['SIGTERM', 'd', 7],
  ] as const)(
    '%s to cluster up stops all its nodes (%s: %i nodes)',
    async (signal, name, size) => {
      const dir = join(root, name);
      const run = await upWithLeader(dir, ['--nodes', String(size)]);
      const pids = nodePids(dir);
      expect(pids).toHaveLength(size);
      const status = await kvraft(['status', '--servers', serversOf(run.output()) ?? '', '--json']);
      const reports = JSON.parse(status.stdout) as { reachable: boolean }[];
      expect(reports.filter((r) => r.reachable)).toHaveLength(size);
      run.child.kill(signal);
      expect(await run.exited).toBe(0);
      expect(pids.some(alive)).toBe(false);
      expect(existsSync(join(dir, 'cluster.json'))).toBe(false);
    },
    150_000,
  );

  it('SIGKILL of cluster up (its nodes lose their parent) stops every node', async () => {
    const dir = join(root, 'e');
    const run = await upWithLeader(dir);
    const pids = nodePids(dir);
    expect(pids).toHaveLength(3);
    run.child.kill('SIGKILL');
    await run.exited;
    expect(await waitFor(() => !pids.some(alive), exitWaitMs)).toBe(true);
  }, 120_000);

  // head takes the config line and the three node lines and leaves; the leader line then
  // meets a closed pipe.
  it('cluster up | head stops every node once head has gone', async () => {
    const dir = join(root, 'f');
    const pipeline = `exec node ${JSON.stringify(
      join(import.meta.dirname, '..', 'dist', 'main.js'),
    )} cluster up --persister memory --dir ${JSON.stringify(dir)} | head -n 4`;
    const run = await upWithLeader(dir, [], pipeline);
    const pids = nodePids(dir);
    expect(pids).toHaveLength(3);
    await run.exited;
    expect(await waitFor(() => nodePids(dir).length === 0 && !pids.some(alive), leaderWaitMs)).toBe(
      true,
    );
  }, 150_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s to demo stops its nodes and removes its temp dir',
    async (signal, code) => {
      const run = start(['demo', '--persister', 'memory', '--duration-ms', '600000']);
      started.push(run);
      const at = /cluster up in (\S+);/;
      expect(await waitFor(() => at.test(run.output()), leaderWaitMs), run.output()).toBe(true);
      const dir = at.exec(run.output())?.[1] ?? '';
      const pids = nodePids(dir);
      expect(pids).toHaveLength(3);
      run.child.kill(signal);
      expect(await run.exited).toBe(code);
      expect(run.output()).toContain('demo interrupted');
      expect(pids.some(alive)).toBe(false);
      expect(existsSync(dir)).toBe(false);
    },
    150_000,
  );
});
