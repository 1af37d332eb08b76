// `kvraft demo`: a local 3-node cluster, concurrent clients for a bounded time while the leader
// is SIGKILLed and restarted, the history checked for linearizability and by the append
// checks, and a short report. It stops every process it started and removes its temp dir,
// whatever happens: an error, or SIGINT/SIGTERM/SIGHUP/closed stdout midway (then it exits with
// 128 + the signal number). The checker and the cluster load only when the demo runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clerk } from '@kvraft/clerk';
import type { ProcessCluster } from '@kvraft/cluster';
import { createPrng } from '@kvraft/raft-core';
import {
  describeConfig,
  integerIn,
  type PersisterName,
  parsePersister,
} from '@kvraft/server/flags';
import { type Command, Option } from 'commander';
import { exitCodeOf, listenForStop, type StopReason } from '../cluster/stop-request.ts';

/** Wall-clock budget of the linearizability search; past it the verdict is `unknown`. */
const checkBudgetMs = 20_000;

/** Parsed flags of `demo`. */
export interface DemoOptions {
  readonly persister: PersisterName;
  readonly durationMs: number;
  readonly clients: number;
  readonly keys: number;
  readonly seed: number;
  readonly keep: boolean;
}

/** The demo was asked to stop before it finished; everything it started is already gone. */
export class DemoInterrupted extends Error {
  /** Stopped by `reason`. */
  constructor(readonly reason: StopReason) {
    super(`demo interrupted (${reason}); cluster stopped and temp dir removed`);
  }
}

/** What the demo prints to, and (optionally) when it must stop early. */
export interface DemoDeps {
  readonly print: (line: string) => void;
  readonly until?: Promise<StopReason>;
}

/** The demo's figures. */
export interface DemoReport {
  readonly ops: number;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly leaderChanges: number;
  readonly linearizable: string;
  readonly appends: string;
  readonly unknown: number;
}

/** Registers `demo`. */
export function register(program: Command): void {
  program
    .command('demo')
    .description('3 nodes, concurrent clients, a leader SIGKILLed and restarted, history checked')
    .addOption(
      new Option('--persister <name>', 'sqlite | level | memory')
        .argParser(parsePersister)
        .default('sqlite'),
    )
    .addOption(
      new Option('--duration-ms <ms>', 'client load duration')
        .argParser(integerIn(1000, 600_000))
        .default(8000),
    )
    .addOption(
      new Option('--clients <n>', 'concurrent clients').argParser(integerIn(1, 64)).default(4),
    )
    .addOption(new Option('--keys <n>', 'distinct keys').argParser(integerIn(1, 100)).default(4))
    .addOption(
      new Option('--seed <n>', 'workload seed')
        .argParser(integerIn(0, 2 ** 31))
        .default(Date.now() % 2 ** 31),
    )
    .option('--keep', 'keep the data dirs and logs', false)
    .action(async (options: DemoOptions) => {
      const stop = listenForStop();
      try {
        const report = await run(options, { print: stop.print, until: stop.requested });
        process.exitCode =
          report.linearizable === 'illegal' || report.appends === 'illegal' ? 1 : 0;
      } catch (error) {
        if (!(error instanceof DemoInterrupted)) throw error;
        stop.print(error.message);
        // Leftover client retries and timers must not keep an interrupted demo alive.
        process.exit(exitCodeOf(error.reason));
      } finally {
        stop.dispose();
      }
    });
}

/** Runs the demo and returns its report (also printed). */
export async function run(options: DemoOptions, deps: DemoDeps): Promise<DemoReport> {
  deps.print(describeConfig('demo', options));
  const { createTcpClerk, ProcessCluster } = await import('@kvraft/cluster');
  const dir = mkdtempSync(join(tmpdir(), 'kvraft-demo-'));
  const stopping = { requested: false };
  const interrupted = new Promise<never>((_, reject) => {
    deps.until?.then((reason) => {
      stopping.requested = true;
      reject(new DemoInterrupted(reason));
    });
  });
  interrupted.catch(() => {});
  let cluster: ProcessCluster | undefined;
  let clients: ReturnType<typeof createTcpClerk>[] = [];
  try {
    cluster = await Promise.race([
      ProcessCluster.start({ nodes: 3, persister: options.persister, dir, secret: 'demo-secret' }),
      interrupted,
    ]);
    const running = cluster;
    clients = Array.from({ length: options.clients }, () =>
      createTcpClerk(running.endpoints, { operationTimeoutMs: 5000, attemptTimeoutMs: 500 }),
    );
    const measured = measure({ cluster: running, dir, clients, stopping }, options, deps);
    measured.catch(() => {});
    return await Promise.race([measured, interrupted]);
  } finally {
    for (const client of clients) client.transport.close();
    await cluster?.stop();
    if (!options.keep || stopping.requested) rmSync(dir, { recursive: true, force: true });
  }
}

// The load, the nemesis, the checks and the report, against a running cluster.
async function measure(
  run: {
    readonly cluster: ProcessCluster;
    readonly dir: string;
    readonly clients: readonly { readonly clerk: Clerk }[];
    readonly stopping: { readonly requested: boolean };
  },
  options: DemoOptions,
  deps: DemoDeps,
): Promise<DemoReport> {
  const [{ check, checkAppends, kvModel }, { quantile, runWorkload }] = await Promise.all([
    import('@kvraft/checker'),
    import('../demo/workload.ts'),
  ]);
  const { cluster, dir, clients, stopping } = run;
  const leader = await cluster.waitForLeader(20_000);
  if (leader === undefined) throw new Error(`no leader within 20 s; logs in ${dir}`);
  deps.print(`cluster up in ${dir}; leader is node ${leader}`);
  const watcher = watchLeaders(cluster);
  const random = seededRandom(options.seed);
  const keys = Array.from({ length: options.keys }, (_, i) => `k${i}`);
  const load = runWorkload({
    clerks: clients.map((c) => c.clerk),
    keys,
    durationMs: options.durationMs,
    random,
  });
  const nemesis = killAndRestartLeader(cluster, options.durationMs, deps.print, stopping);
  const [result] = await Promise.all([load, nemesis]);
  const leaderChanges = watcher.stop();
  const history = result.recorder.history();
  const verdict = check(history, kvModel, {
    budgetMs: checkBudgetMs,
    clock: { now: () => performance.now() },
  });
  const appends = checkAppends(history);
  const report: DemoReport = {
    ops: result.okCount,
    opsPerSecond: Math.round((result.okCount / result.elapsedMs) * 1000),
    p50Ms: round(quantile(result.latenciesMs, 0.5)),
    p99Ms: round(quantile(result.latenciesMs, 0.99)),
    leaderChanges: await leaderChanges,
    linearizable: verdict.verdict,
    appends: appends.verdict,
    unknown: result.unknownCount,
  };
  deps.print(
    `demo (${options.persister}): ${report.ops} ops ok, ${report.opsPerSecond} ops/s, ` +
      `p50 ${report.p50Ms} ms, p99 ${report.p99Ms} ms, ${report.unknown} indeterminate, ` +
      `${report.leaderChanges} leader change(s); linearizability: ${report.linearizable}; ` +
      `append checks: ${report.appends}`,
  );
  for (const violation of appends.violations.slice(0, 5)) deps.print(`  ${violation.message}`);
  return report;
}

// SIGKILLs the leader a third of the way in and restarts it a second later.
async function killAndRestartLeader(
  cluster: ProcessCluster,
  durationMs: number,
  print: (l: string) => void,
  stopping: { readonly requested: boolean },
) {
  await new Promise((resolve) => setTimeout(resolve, durationMs / 3));
  const leader = await cluster.waitForLeader(2000);
  if (leader === undefined || stopping.requested) return;
  print(`nemesis: SIGKILL leader node ${leader}`);
  await cluster.kill(leader, 'SIGKILL');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  // A stopping demo must not start a node after its cluster was stopped.
  if (stopping.requested) return;
  print(`nemesis: restart node ${leader} on its data dir`);
  cluster.restart(leader);
}

// Samples the cluster's leader every 100 ms and counts changes of (leader, term).
function watchLeaders(cluster: ProcessCluster): { stop(): Promise<number> } {
  let running = true;
  let changes = 0;
  let last = '';
  const loop = (async () => {
    while (running) {
      for (const status of (await cluster.statuses(300)).values()) {
        if (status?.role !== 'leader') continue;
        const now = `${status.nodeId}@${status.term}`;
        if (last !== '' && now !== last) changes++;
        last = now;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return changes;
    },
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

// One PRNG for the whole project: raft-core's, so a demo seed means the same everywhere.
function seededRandom(seed: number): () => number {
  const prng = createPrng(seed);
  return () => prng.nextFloat();
}
