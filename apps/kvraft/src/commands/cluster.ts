// `kvraft cluster up|down`: a local cluster of child processes on 127.0.0.1. `up` locks its dir
// (a second `up` there is refused), prints the endpoints, and stops every node it started on
// SIGINT, SIGTERM, SIGHUP or a closed stdout; `down --dir` stops exactly the nodes in the pid
// file, each only while its pid is still that node, and removes the file.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProcessCluster } from '@kvraft/cluster';
import {
  describeConfig,
  integerIn,
  type PersisterName,
  parseClusterSize,
  parsePersister,
} from '@kvraft/server/flags';
import { type Command, Option } from 'commander';
import { listenForStop, type StopReason } from '../cluster/stop-request.ts';

/** The pid file's name (as @kvraft/cluster writes it), repeated to keep `down` light. */
const pidFileName = 'cluster.json';
/** How long `up` waits for a first leader before printing that there is none yet. */
const leaderWaitMs = 15_000;

/** Parsed flags of `cluster up`. */
export interface ClusterUpOptions {
  readonly nodes: number;
  readonly persister: PersisterName;
  readonly dir: string;
  readonly clusterSecret: string;
}

/** What `up` prints to and when it stops. */
export interface ClusterUpDeps {
  readonly print: (line: string) => void;
  readonly until: Promise<StopReason>;
}

/** Registers `cluster up` and `cluster down`. */
export function register(program: Command): void {
  const cluster = program.command('cluster').description('run a local cluster of child processes');
  cluster
    .command('up')
    .description('start a local cluster; Ctrl-C stops it')
    .addOption(new Option('--nodes <n>', '3, 5 or 7').argParser(parseClusterSize).default(3))
    .addOption(
      new Option('--persister <name>', 'sqlite | level | memory')
        .argParser(parsePersister)
        .default('sqlite'),
    )
    .addOption(
      new Option('--dir <dir>', 'data dirs, logs and the pid file').default('./kvraft-cluster'),
    )
    .addOption(
      new Option('--cluster-secret <secret>', 'peer link secret')
        .env('KVRAFT_CLUSTER_SECRET')
        .default('local-dev-secret'),
    )
    .action(async (options: ClusterUpOptions) => {
      const stop = listenForStop();
      try {
        await up(options, { print: stop.print, until: stop.requested });
      } finally {
        stop.dispose();
      }
    });
  cluster
    .command('down')
    .description('stop the cluster whose pid file is in --dir')
    .addOption(new Option('--dir <dir>', 'the dir given to cluster up').default('./kvraft-cluster'))
    .addOption(
      new Option('--grace-ms <ms>', 'wait before SIGKILL')
        .argParser(integerIn(0, 60_000))
        .default(5000),
    )
    .action(async (options: { dir: string; graceMs: number }) => {
      process.exitCode = (await down(options, { print: (l) => console.log(l) })) ? 0 : 1;
    });
}

/** Starts a cluster, prints its endpoints, and stops it when `deps.until` resolves. */
export async function up(options: ClusterUpOptions, deps: ClusterUpDeps): Promise<void> {
  const dir = resolve(options.dir);
  deps.print(describeConfig('cluster up', { ...options, dir }));
  const [{ ProcessCluster }, { acquireDirLock }] = await Promise.all([
    import('@kvraft/cluster'),
    import('../cluster/dir-lock.ts'),
  ]);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  const lock = acquireDirLock(dir);
  let cluster: ProcessCluster | undefined;
  try {
    let stopping = false;
    const signalled = deps.until.then(() => {
      stopping = true;
      return 'signal' as const;
    });
    cluster = await ProcessCluster.start({ ...options, dir, secret: options.clusterSecret });
    const running = cluster;
    const ended = await Promise.race([
      signalled,
      announce(running, deps.print, () => stopping)
        .then(() => running.allExited())
        .then(() => 'exited' as const),
    ]);
    if (ended === 'exited') {
      deps.print('every node has exited (cluster down?); stopping');
      return;
    }
    deps.print('stopping the cluster');
  } finally {
    await cluster?.stop();
    rmSync(join(dir, pidFileName), { force: true });
    lock.release();
  }
}

// Prints every node, the first leader and a ready --servers flag; gives up waiting for the
// leader as soon as the command is stopping, so no poll outlives the cluster.
async function announce(
  cluster: ProcessCluster,
  print: (line: string) => void,
  stopping: () => boolean,
): Promise<void> {
  for (const [id, endpoint] of cluster.endpoints) {
    const metrics = cluster.metricsEndpoints.get(id)!;
    print(
      `node ${id}: ${endpoint.host}:${endpoint.port}  metrics http://${metrics.host}:${metrics.port}/metrics  pid ${cluster.pids().get(id)}`,
    );
  }
  const leader = await firstLeader(cluster, stopping);
  if (stopping()) return;
  print(leader === undefined ? 'no leader yet (see the node logs)' : `leader: node ${leader}`);
  print(`try: kvraft put k v --servers ${cluster.serversFlag()}`);
}

async function firstLeader(
  cluster: ProcessCluster,
  stopping: () => boolean,
): Promise<number | undefined> {
  const deadline = Date.now() + leaderWaitMs;
  while (!stopping() && Date.now() < deadline) {
    for (const [id, status] of await cluster.statuses(500)) {
      if (status?.role === 'leader') return id;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

/** Stops the nodes listed in `<dir>/cluster.json`; returns false without a pid file. */
export async function down(
  options: { dir: string; graceMs: number },
  deps: { print: (line: string) => void },
): Promise<boolean> {
  const path = join(resolve(options.dir), pidFileName);
  deps.print(describeConfig('cluster down', { pidFile: path, graceMs: options.graceMs }));
  const { existsSync } = await import('node:fs');
  if (!existsSync(path)) {
    deps.print(`no pid file at ${path}`);
    return false;
  }
  const { stopNodes } = await import('../cluster/stop-nodes.ts');
  const results = await stopNodes(path, options.graceMs);
  for (const r of results) deps.print(`node ${r.id}: pid ${r.pid ?? '-'} ${r.outcome}`);
  const stopped = results.filter((r) => r.outcome === 'stopped' || r.outcome === 'killed');
  deps.print(`stopped ${stopped.length} node(s): ${stopped.map((r) => r.pid).join(' ')}`);
  return results.every((r) => r.outcome !== 'unverifiable');
}
