// The `cluster` command around runClusterBench: finds etcd for --vs-etcd (or says it runs kvraft
// alone), turns SIGINT/SIGTERM into a clean stop (a second one kills every started process at
// once), prints the Markdown table to stdout and writes the JSON report.
import { writeFileSync } from 'node:fs';
import { killStartedProcesses, runClusterBench } from './cluster-bench.ts';
import { findEtcd } from './cluster-etcd.ts';
import type { BenchPersister, WorkloadName } from './cluster-target.ts';

/** The parsed flags of `bench cluster`. */
export interface ClusterCommandOptions {
  readonly clients: number[];
  readonly workloads: WorkloadName[];
  readonly valueBytes: number[];
  readonly keys: number;
  readonly duration: number;
  readonly ops?: number;
  readonly nodes: number[];
  readonly persisters: BenchPersister[];
  readonly vsEtcd: boolean;
  readonly json?: string;
}

/** Runs the cluster benchmark as the command line asked and prints its table. */
export async function runClusterCommand(options: ClusterCommandOptions): Promise<void> {
  let etcdBinary: string | undefined;
  if (options.vsEtcd) {
    etcdBinary = findEtcd();
    console.log(
      etcdBinary === undefined
        ? '--vs-etcd: no etcd binary on PATH (Debian: apt-get install etcd-server); ' +
            'running kvraft alone'
        : `--vs-etcd: comparing with ${etcdBinary} over its v3 HTTP/JSON gateway (not gRPC)`,
    );
  }
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) {
      killStartedProcesses();
      process.exit(130);
    }
    console.error('stopping after the operations in flight; again to kill every node at once');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const report = await runClusterBench({
      clients: options.clients,
      workloads: options.workloads,
      valueBytes: options.valueBytes,
      keys: options.keys,
      durationMs: options.duration,
      ...(options.ops === undefined ? {} : { opsPerClient: options.ops }),
      nodes: options.nodes,
      persisters: options.persisters,
      etcdBinary,
      log: (line) => console.error(line),
      signal: controller.signal,
    });
    process.stdout.write(report.markdown);
    if (options.json !== undefined) {
      writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    }
    if (report.aborted) process.exitCode = 130;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
