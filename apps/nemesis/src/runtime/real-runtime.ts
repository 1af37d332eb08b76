// The real runtime: a RealCluster (child processes behind fault proxies) in DIR/cluster, clerks
// through the client proxies, /metrics snapshots and peak RSS sampled while the run plays. It
// stops every process and proxy it started, whatever happens.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrng } from '@kvraft/checker';
import { createTcpClerk, RealCluster, type Schedule } from '@kvraft/cluster';
import { testOnlyDiskFaultsEnv, testOnlyGateEnv, testOnlyGatePhrase } from '@kvraft/server';
import { type PlayHooks, playRun, type RunRecord } from './play-run.ts';

/** Options of a real run beyond the schedule. */
export interface RealRunOptions {
  readonly outDir: string;
  readonly basePort?: number;
  /** Extra environment for every node (the test-only gates). */
  readonly env?: Readonly<Record<string, string>>;
}

/** What the real runtime measured beside the record. */
export interface RealRunExtras {
  readonly peakRssBytes: number;
  readonly metricsSnapshots: number;
}

// TEST ONLY: a schedule with disk-io steps needs the server's disk-fault wrapper, which opens
// only behind the test-only gate (test-only-disk-faults.ts in @kvraft/server).
function diskIoGate(schedule: Schedule): Record<string, string> {
  if (!schedule.steps.some((step) => step.fault.kind === 'disk-io')) return {};
  return { [testOnlyDiskFaultsEnv]: '1', [testOnlyGateEnv]: testOnlyGatePhrase };
}

/** Period of /metrics snapshots and RSS samples. */
const metricsEveryMs = 5000;

/** Clerk deadlines: an operation is indeterminate after operationTimeoutMs. */
const clerkTimeouts = { operationTimeoutMs: 5000, attemptTimeoutMs: 500 };

/** Plays `schedule` against real processes. */
export async function runReal(
  schedule: Schedule,
  options: RealRunOptions,
  hooks: PlayHooks = {},
): Promise<RunRecord & RealRunExtras> {
  const random = createPrng(schedule.seed ^ 0x5eed);
  const cluster = await RealCluster.launch({
    nodes: schedule.nodes,
    persister: schedule.persister,
    dir: join(options.outDir, 'cluster'),
    secret: `nemesis-${schedule.seed}`,
    random,
    ...(options.basePort === undefined ? {} : { basePort: options.basePort }),
    env: { ...options.env, ...diskIoGate(schedule) },
  });
  const clerks = new Set<{ close(): void }>();
  const sampler = new MetricsSampler(cluster, join(options.outDir, 'metrics'));
  try {
    const runtime = {
      nowMs: () => cluster.nowMs(),
      sleep: (ms: number) => cluster.sleep(ms),
      clerk: () => {
        const { clerk, transport } = createTcpClerk(cluster.clientEndpoints(), clerkTimeouts);
        clerks.add(transport);
        const release = () => {
          transport.close();
          clerks.delete(transport);
        };
        return { clerk, release };
      },
    };
    sampler.start();
    const record = await playRun(cluster, runtime, schedule, hooks);
    await sampler.stop();
    return { ...record, peakRssBytes: sampler.peakRssBytes, metricsSnapshots: sampler.snapshots };
  } finally {
    await sampler.stop();
    for (const transport of clerks) transport.close();
    await cluster.close();
  }
}

/** Writes every node's /metrics to DIR/metrics every few seconds and tracks peak RSS. */
class MetricsSampler {
  peakRssBytes = 0;
  snapshots = 0;
  private timer: NodeJS.Timeout | null = null;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly cluster: RealCluster,
    private readonly dir: string,
  ) {}

  start(): void {
    mkdirSync(this.dir, { recursive: true });
    this.timer = setInterval(() => {
      this.pending = this.sample();
    }, metricsEveryMs);
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.pending;
  }

  private async sample(): Promise<void> {
    const atMs = Math.round(this.cluster.nowMs());
    for (const [id, pid] of this.cluster.processes.pids()) {
      this.peakRssBytes = Math.max(this.peakRssBytes, highWaterRss(pid));
      const endpoint = this.cluster.processes.metricsEndpoints.get(id)!;
      try {
        const response = await fetch(`http://${endpoint.host}:${endpoint.port}/metrics`, {
          signal: AbortSignal.timeout(1000),
        });
        writeFileSync(join(this.dir, `node-${id}-${atMs}.txt`), await response.text());
        this.snapshots++;
      } catch {
        // A node that is down or paused has no metrics to give; the next sample tries again.
      }
    }
  }
}

// The kernel's high-water mark of a process's resident set (VmHWM), in bytes; 0 if unknown.
function highWaterRss(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}
