// The kvraft side of the cluster benchmark: a local cluster of real `kvraft-server` processes on
// 127.0.0.1 (ProcessCluster, the compiled server as the bins run it), one Clerk over its own TCP
// connection per client, as separate client processes would have.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTcpClerk, ProcessCluster } from '@kvraft/cluster';
import { formatEndpoint } from '@kvraft/transport';
import { persistCounts } from './cluster-metrics.ts';
import type { BenchClient, BenchPersister, BenchTarget } from './cluster-target.ts';

/** How long a fresh cluster gets to elect a leader. */
const leaderDeadlineMs = 30_000;
/** The clerk's limits: an operation that takes longer counts as an error, not a latency. */
const clerkTimeouts = { operationTimeoutMs: 10_000, attemptTimeoutMs: 2000 };

/** Starts a `nodes`-node kvraft cluster on `persister` in a temp dir and waits for a leader. */
export async function startKvraftTarget(
  nodes: number,
  persister: BenchPersister,
): Promise<BenchTarget> {
  const dir = mkdtempSync(join(tmpdir(), `kvraft-bench-${persister}-`));
  let cluster: ProcessCluster;
  try {
    cluster = await ProcessCluster.start({
      nodes,
      persister,
      dir,
      secret: randomBytes(16).toString('hex'),
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const target: BenchTarget = {
    label: `kvraft ${persister}`,
    system: 'kvraft',
    storage: persister,
    nodes,
    openClient: () => kvraftClient(cluster),
    pids: () => [...cluster.pids().values()],
    persistCounts: () =>
      persistCounts(
        [...cluster.metricsEndpoints.values()].map((e) => `http://${formatEndpoint(e)}/metrics`),
        'kvraft_commit_index',
        'kvraft_persist_seconds_count',
      ),
    stop: async () => {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    killNow: () => {
      for (const pid of cluster.pids().values()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    },
  };
  if ((await cluster.waitForLeader(leaderDeadlineMs)) === undefined) {
    // The dir stays: its node logs say why no node became leader.
    await cluster.stop();
    throw new Error(`kvraft ${persister}: no leader within ${leaderDeadlineMs} ms; logs in ${dir}`);
  }
  return target;
}

function kvraftClient(cluster: ProcessCluster): BenchClient {
  const { clerk, transport } = createTcpClerk(cluster.endpoints, clerkTimeouts);
  return {
    get: async (key) => {
      const result = await clerk.get(key);
      return result.ok ? result.value : undefined;
    },
    put: async (key, value) => (await clerk.put(key, value)).ok,
    append: async (key, token) => (await clerk.append(key, token)).ok,
    close: () => transport.close(),
  };
}
