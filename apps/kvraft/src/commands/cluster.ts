// `kvraft cluster up|down`: a local cluster of child processes on 127.0.0.1. `up` prints the
// endpoints and stops every node on Ctrl-C; `down --dir` stops exactly the pids in the pid file.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { ProcessCluster, pidFileName } from '../cluster/process-cluster.ts';
import { integerIn, type PersisterName, parsePersister } from '../config/flag-parsers.ts';
import { describeConfig } from '../config/print-config.ts';

/** Parsed flags of `cluster up`. */
export interface ClusterUpOptions {
  readonly nodes: number;
  readonly persister: PersisterName;
  readonly dir: string;
  readonly clusterSecret: string;
}

/** Registers `cluster up` and `cluster down`. */
export function register(program: Command): void {
  const cluster = program.command('cluster').description('run a local cluster of child processes');
  cluster
    .command('up')
    .description('start a local cluster; Ctrl-C stops it')
    .addOption(
      new Option('--nodes <n>', '3 or 5').choices(['3', '5']).default('3').argParser(Number),
    )
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
      const stopped = new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await up(options, { print: (l) => console.log(l), until: stopped });
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
export async function up(
  options: ClusterUpOptions,
  deps: { print: (line: string) => void; until: Promise<void> },
): Promise<void> {
  const dir = resolve(options.dir);
  deps.print(describeConfig('cluster up', { ...options, dir }));
  const cluster = await ProcessCluster.start({ ...options, dir, secret: options.clusterSecret });
  for (const [id, endpoint] of cluster.endpoints) {
    const metrics = cluster.metricsEndpoints.get(id)!;
    deps.print(
      `node ${id}: ${endpoint.host}:${endpoint.port}  metrics http://${metrics.host}:${metrics.port}/metrics  pid ${cluster.pids().get(id)}`,
    );
  }
  const leader = await cluster.waitForLeader(15_000);
  deps.print(leader === undefined ? 'no leader yet (see the node logs)' : `leader: node ${leader}`);
  deps.print(`try: kvraft put k v --servers ${cluster.serversFlag()}`);
  const ended = await Promise.race([
    deps.until.then(() => 'signal' as const),
    cluster.allExited().then(() => 'exited' as const),
  ]);
  if (ended === 'exited') {
    deps.print('every node has exited (cluster down?); stopping');
    return;
  }
  deps.print('stopping the cluster');
  await cluster.stop();
}

/** Stops exactly the pids listed in `<dir>/cluster.json`; returns false without a pid file. */
export async function down(
  options: { dir: string; graceMs: number },
  deps: { print: (line: string) => void },
): Promise<boolean> {
  const path = join(resolve(options.dir), pidFileName);
  deps.print(describeConfig('cluster down', { pidFile: path, graceMs: options.graceMs }));
  if (!existsSync(path)) {
    deps.print(`no pid file at ${path}`);
    return false;
  }
  const { nodes } = JSON.parse(readFileSync(path, 'utf8')) as {
    nodes: { id: number; pid: number | null }[];
  };
  const pids = nodes.flatMap((n) => (n.pid === null ? [] : [n.pid]));
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + options.graceMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL');
  deps.print(`stopped ${pids.length} node(s): ${pids.join(' ')}`);
  return true;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {}
}
