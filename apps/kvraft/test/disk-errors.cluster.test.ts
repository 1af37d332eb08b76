// Goal: a node whose disk fails stops as an operating condition, not a crash: exactly one JSON
// fatal log line naming the code, the data dir and what to do, exit code 75, no stack trace;
// the other two nodes keep serving; once the fault is gone the node restarts and catches up to
// the leader's commit index. A real full disk (SQLite's SQLITE_FULL, LevelDB's IO error) ends
// the same way. Method: compiled `kvraft-server` processes on 127.0.0.1. (1) A ProcessCluster
// with the test-only disk-fault wrapper: ENOSPC switched on in the leader's data dir, a put to
// trigger a save. (2) One node per persister inside its own mount namespace (`unshare -rm`,
// which needs no root where user namespaces are allowed) on a 1 MiB tmpfs, filled with puts.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTcpClerk, freePort, ProcessCluster, serverEntry } from '@kvraft/cluster';
import {
  diskFaultFileName,
  type PersisterName,
  testOnlyDiskFaultsEnv,
  testOnlyGateEnv,
  testOnlyGatePhrase,
} from '@kvraft/server';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/run-bin.ts';

const root = mkdtempSync(join(tmpdir(), 'kvraft-disk-errors-'));
const clusters: ProcessCluster[] = [];
const children: ReturnType<typeof spawn>[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(clusters.map((cluster) => cluster.stop()));
  rmSync(root, { recursive: true, force: true });
});

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

// Every line the node printed must be JSON: a stack trace (or any other raw text) fails here.
function jsonLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`a line that is not JSON: ${line}\n--- whole output ---\n${text}`);
      }
    });
}

const fatalLevel = 60;
/** The documented exit code of a node stopped by a storage error (docs/operations.md). */
const storageErrorExitCode = 75;

describe('a storage error on a running node', () => {
  it('exits 75 with one fatal line; the others serve; it restarts and catches up', async () => {
    const dir = join(root, 'cluster');
    const cluster = await ProcessCluster.start({
      nodes: 3,
      persister: 'sqlite',
      dir,
      secret: 'disk-errors-secret',
      env: { [testOnlyDiskFaultsEnv]: '1', [testOnlyGateEnv]: testOnlyGatePhrase },
    });
    clusters.push(cluster);
    const { clerk, transport } = createTcpClerk(cluster.endpoints, { operationTimeoutMs: 30_000 });
    try {
      const leader = await cluster.waitForLeader(60_000);
      expect(leader).toBeDefined();
      expect((await clerk.put('before', '1')).ok).toBe(true);
      const target = leader!;
      const dataDir = join(dir, `node-${target}`, 'data');
      writeFileSync(join(dataDir, diskFaultFileName), JSON.stringify({ mode: 'enospc' }));

      // The leader's next save fails; the clerk retries until a new leader takes the put.
      expect((await clerk.put('during', '2')).ok).toBe(true);
      expect(await cluster.exited(target)).toEqual({ code: storageErrorExitCode, signal: null });
      const lines = jsonLines(readFileSync(join(dir, `node-${target}.log`), 'utf8'));
      const fatal = lines.filter((line) => line.level === fatalLevel);
      expect(fatal).toHaveLength(1);
      expect(fatal[0]).toMatchObject({ code: 'ENOSPC', file: dataDir, exitCode: 75 });
      expect(fatal[0]!.msg).toBe(
        `storage error ENOSPC on ${dataDir}: free space in ${dataDir}, then restart the node: it catches up from the leader`,
      );
      expect(lines.at(-1)?.msg).toBe('stopped');

      // The other two keep serving, reads and writes.
      expect((await clerk.put('after', '3')).ok).toBe(true);
      expect(await clerk.get('during')).toMatchObject({ ok: true, value: '2' });

      rmSync(join(dataDir, diskFaultFileName));
      cluster.restart(target);
      const statuses = await cluster.statuses();
      const leaderCommit = Math.max(...[...statuses.values()].map((s) => s?.commitIndex ?? 0));
      expect(leaderCommit).toBeGreaterThan(0);
      let commit = 0;
      const caughtUp = await pollUntil(async () => {
        commit = (await cluster.statuses()).get(target)?.commitIndex ?? 0;
        return commit >= leaderCommit;
      }, 60_000);
      expect(caughtUp, `node ${target} commitIndex ${commit}, leader's ${leaderCommit}`).toBe(true);
    } finally {
      transport.close();
    }
  }, 180_000);
});

describe('a real full disk', () => {
  for (const persister of ['sqlite', 'level'] as const) {
    it(`stops a ${persister} node with exit 75, one fatal line and nothing on stderr`, async () => {
      const mnt = join(root, `full-${persister}`);
      mkdirSync(mnt, { recursive: true });
      const dataDir = join(mnt, 'data');
      const node = await startInFullableMount(mnt, dataDir, persister);
      const { clerk, transport } = createTcpClerk(node.servers, { operationTimeoutMs: 2000 });
      try {
        const serving = await waitFor(() => node.stdout().includes('node serving'), 30_000);
        expect(serving, node.stdout() + node.stderr()).toBe(true);
        // 64 KiB of incompressible text per put: 1 MiB fills within about 16 of them.
        const value = randomBytes(48 * 1024).toString('base64');
        const deadline = Date.now() + 90_000;
        for (let i = 0; node.exit() === undefined && Date.now() < deadline; i++) {
          await clerk.put(`k${i}`, value);
        }
        expect(await node.exited, node.stdout() + node.stderr()).toBe(storageErrorExitCode);
      } finally {
        transport.close();
      }
      expect(node.stderr()).toBe('');
      const fatal = jsonLines(node.stdout()).filter((line) => line.level === fatalLevel);
      expect(fatal).toHaveLength(1);
      const code = persister === 'sqlite' ? 'SQLITE_FULL' : 'LEVEL_IO_ERROR';
      expect(fatal[0]).toMatchObject({ code, dataDir });
      expect(String(fatal[0]!['file']).startsWith(join(dataDir, persister))).toBe(true);
      expect(fatal[0]!.msg).toContain(`: free space in ${dataDir}, then restart the node`);
    }, 150_000);
  }
});

describe('a damaged store at start', () => {
  it('refuses with one line naming the file, the cause and the replacement recipe', async () => {
    const dir = join(root, 'damaged');
    const cluster = await ProcessCluster.start({
      nodes: 1,
      persister: 'level',
      dir,
      secret: 'damaged-secret',
    });
    clusters.push(cluster);
    const { clerk, transport } = createTcpClerk(cluster.endpoints, { operationTimeoutMs: 30_000 });
    try {
      expect((await clerk.put('k', 'v')).ok).toBe(true);
    } finally {
      transport.close();
    }
    await cluster.stop();
    const store = join(dir, 'node-1', 'data', 'level');
    const manifest = readdirSync(store).find((name) => name.startsWith('MANIFEST-'))!;
    unlinkSync(join(store, manifest));
    const logPath = join(dir, 'node-1.log');
    const before = readFileSync(logPath, 'utf8').length;
    cluster.restart(1);
    expect(await cluster.exited(1)).toEqual({ code: 1, signal: null });
    const raw = readFileSync(logPath, 'utf8').slice(before).split('\n');
    const refusals = raw.filter((line) => line !== '' && !line.startsWith('{'));
    expect(refusals).toEqual([
      `kvraft-server: corrupted file in store ${store}: LevelDB reports IO error: ${join(store, manifest)}: No such file or directory; refusing to open; replace the node: docs/operations.md, "Replace a dead node"`,
    ]);
  }, 120_000);
});

describe('a full disk at start', () => {
  it('exits 75 with one fatal line before serving', async () => {
    const mnt = join(root, 'full-at-start');
    mkdirSync(mnt, { recursive: true });
    const dataDir = join(mnt, 'data');
    const node = await startInFullableMount(mnt, dataDir, 'sqlite', { prefill: true });
    expect(await node.exited, node.stdout() + node.stderr()).toBe(storageErrorExitCode);
    expect(node.stderr()).toBe('');
    const lines = jsonLines(node.stdout());
    expect(lines.filter((line) => line.level === fatalLevel)).toMatchObject([
      { code: expect.stringMatching(/^(ENOSPC|SQLITE_FULL)$/), dataDir },
    ]);
    expect(lines.some((line) => line.msg === 'node serving')).toBe(false);
  }, 60_000);
});

async function pollUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

// One single-node cluster whose data dir is a 1 MiB tmpfs, mounted in a mount namespace of the
// node's own: nothing to unmount afterwards, and no mount is ever visible outside the test.
async function startInFullableMount(
  mnt: string,
  dataDir: string,
  persister: PersisterName,
  { prefill = false } = {},
) {
  const port = await freePort();
  const endpoint = `127.0.0.1:${port}`;
  const args = ['--id', '1', '--listen', endpoint, '--peers', `1=${endpoint}`];
  args.push('--data-dir', dataDir, '--persister', persister, '--cluster', 'full-disk');
  // `prefill` fills the tmpfs before the node starts (dd stops at ENOSPC, as it should).
  const fill = prefill ? ' && { dd if=/dev/zero of="$0/fill" bs=64k 2>/dev/null; true; }' : '';
  const script = `mount -t tmpfs -o size=1m tmpfs "$0"${fill} && exec "$@"`;
  const child = spawn(
    'unshare',
    ['-rm', 'sh', '-c', script, mnt, process.execPath, serverEntry, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KVRAFT_CLUSTER_SECRET: 'full-disk-secret' },
    },
  );
  children.push(child);
  let stdout = '';
  let stderr = '';
  let code: number | null | undefined;
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (exitCode) => {
      code = exitCode;
      resolve(exitCode);
    }),
  );
  return {
    servers: new Map([[1, { host: '127.0.0.1', port }]]),
    stdout: () => stdout,
    stderr: () => stderr,
    exit: () => code,
    exited,
  };
}
