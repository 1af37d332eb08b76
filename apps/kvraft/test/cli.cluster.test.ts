// Goal: the `kvraft` executable end to end, compiled: `cluster up` prints endpoints and a
// leader, get/put/append/status work against it, /metrics answers, `cluster down` stops exactly
// the pids in its pid file, and `serve` refuses a data dir of another node id. Method: the real
// compiled bin (dist/main.js, plain node) in child processes on 127.0.0.1, temp dirs, every wait
// bounded.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'kvraft-cli-'));
let up: ChildProcess | null = null;

afterAll(async () => {
  await kvraft('cluster', 'down', '--dir', dir).catch(() => {});
  if (up !== null && up.exitCode === null) up.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function kvraft(...args: string[]) {
  return exec(process.execPath, [bin, ...args], { timeout: 30_000 });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the kvraft CLI', () => {
  it('runs a local cluster, serves get/put/append/status and metrics, and stops it', async () => {
    up = spawn(process.execPath, [bin, 'cluster', 'up', '--nodes', '3', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    up.stdout?.on('data', (chunk) => {
      output += String(chunk);
    });
    const deadline = Date.now() + 30_000;
    while (!/leader: node \d/.test(output) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(output).toMatch(/leader: node \d/);
    const servers = /--servers (\S+)/.exec(output)?.[1] ?? '';
    expect((await kvraft('put', 'k', 'v1', '--servers', servers)).stdout.trim()).toBe('OK');
    expect((await kvraft('append', 'k', '+v2', '--servers', servers)).stdout.trim()).toBe('OK');
    expect((await kvraft('get', 'k', '--servers', servers)).stdout.trim()).toBe('v1+v2');
    const status = (await kvraft('status', '--servers', servers)).stdout;
    expect(status).toMatch(/leader\s+\d+\s+\d+/);
    expect(status.split('\n').filter((l) => /^\d\s/.test(l))).toHaveLength(3);
    const metricsUrl = /metrics (http:\S+)/.exec(output)?.[1] ?? '';
    const metrics = await (await fetch(metricsUrl)).text();
    for (const name of [
      'kvraft_term',
      'kvraft_commit_index',
      'kvraft_persist_seconds',
      'kvraft_peer_connected',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(metrics).toContain(name);
    }
    const { nodes } = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as {
      nodes: { pid: number }[];
    };
    const pids = nodes.map((n) => n.pid);
    expect(pids.every(alive)).toBe(true);
    expect((await kvraft('cluster', 'down', '--dir', dir)).stdout).toContain('stopped 3 node(s)');
    expect(pids.some(alive)).toBe(false);
  }, 90_000);

  it('runs a five-node LevelDB cluster: writes, reads and status cover all five', async () => {
    const dir5 = join(dir, 'five');
    const five = spawn(
      process.execPath,
      [bin, 'cluster', 'up', '--nodes', '5', '--persister', 'level', '--dir', dir5],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    try {
      five.stdout?.on('data', (chunk) => {
        output += String(chunk);
      });
      const deadline = Date.now() + 45_000;
      while (!/leader: node \d/.test(output) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(output).toMatch(/leader: node \d/);
      const servers = /--servers (\S+)/.exec(output)?.[1] ?? '';
      expect(servers.split(',')).toHaveLength(5);
      expect((await kvraft('put', 'five', 'v', '--servers', servers)).stdout.trim()).toBe('OK');
      expect((await kvraft('get', 'five', '--servers', servers)).stdout.trim()).toBe('v');
      const status = (await kvraft('status', '--servers', servers)).stdout;
      expect(status.split('\n').filter((l) => /^\d\s/.test(l))).toHaveLength(5);
      const closed = new Promise<number | null>((resolve) => five.once('close', resolve));
      expect((await kvraft('cluster', 'down', '--dir', dir5)).stdout).toContain(
        'stopped 5 node(s)',
      );
      // `cluster up` notices that its nodes are gone and exits by itself.
      expect(await closed).toBe(0);
      expect(output).toContain('every node has exited');
    } finally {
      if (five.exitCode === null) five.kill('SIGINT');
    }
  }, 120_000);

  it('refuses a data dir of another node id, a --listen its --peers contradict, and a bad flag', async () => {
    const dataDir = join(dir, 'node-1', 'data');
    const serve = [
      'serve',
      '--listen',
      '127.0.0.1:1',
      '--data-dir',
      dataDir,
      '--cluster',
      'kvraft-local',
    ];
    const peers = ['--peers', '2=127.0.0.1:1,1=127.0.0.1:2', '--cluster-secret', 's'];
    const refused = await kvraft(...serve, '--id', '2', ...peers).catch(
      (e: { stderr: string }) => e,
    );
    expect(String((refused as { stderr: string }).stderr)).toContain('belongs to cluster');
    const elsewhere = ['--peers', '2=127.0.0.1:3,1=127.0.0.1:2', '--cluster-secret', 's'];
    const mismatch = await kvraft(...serve, '--id', '2', ...elsewhere).catch(
      (e: { stderr: string }) => e,
    );
    expect(String((mismatch as { stderr: string }).stderr)).toContain(
      "listen 127.0.0.1:1 does not match this node's peers entry 2=127.0.0.1:3",
    );
    const badFlag = await kvraft('get', 'k', '--servers', '1=localhost').catch(
      (e: { stderr: string }) => e,
    );
    expect(String((badFlag as { stderr: string }).stderr)).toContain(
      "argument '1=localhost' is invalid",
    );
  }, 60_000);
});
