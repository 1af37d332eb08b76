// The cluster benchmark: for each node count, starts one kvraft cluster per persister (and, with
// vsEtcd, one etcd cluster), then runs every cell of the grid (workload × value size × clients)
// on each of them in turn, so the systems share the machine's conditions cell by cell. The order
// of the systems flips from one cell to the next, so none always runs first (after an idle
// moment) or last. Every process it started is stopped at the end, on error and on abort.
import { cpus, loadavg } from 'node:os';
import { startEtcdTarget } from './cluster-etcd.ts';
import { startKvraftTarget } from './cluster-kvraft.ts';
import {
  type CellResult,
  type CellSpec,
  opsPerClientMax,
  preload,
  runCell,
} from './cluster-loader.ts';
import { type BenchEnvironment, renderMarkdown } from './cluster-table.ts';
import type { BenchPersister, BenchTarget, WorkloadName } from './cluster-target.ts';

/** What to run: the grid, the systems, and where etcd is (undefined: kvraft alone). */
export interface ClusterBenchOptions {
  readonly clients: readonly number[];
  readonly workloads: readonly WorkloadName[];
  readonly valueBytes: readonly number[];
  readonly keys: number;
  readonly durationMs: number;
  /** Most operations per client and cell; default opsPerClientMax (the duration decides). */
  readonly opsPerClient?: number;
  readonly nodes: readonly number[];
  readonly persisters: readonly BenchPersister[];
  /** The etcd binary to compare with; undefined runs kvraft alone. */
  readonly etcdBinary?: string | undefined;
  /** Progress lines (one per cluster start and per cell); default none. */
  readonly log?: (line: string) => void;
  /** Stops the run after the operations in flight; results so far are still reported. */
  readonly signal?: AbortSignal;
}

/** A finished run: every cell's figures, where they were measured, and the Markdown. */
export interface ClusterBenchReport {
  readonly environment: BenchEnvironment;
  readonly etcdBinary: string | null;
  readonly results: readonly CellResult[];
  readonly markdown: string;
  /** What went wrong on the way, in run order: cells that threw, preload puts that failed. */
  readonly notes: readonly string[];
  /** Whether the run was aborted before its last cell. */
  readonly aborted: boolean;
}

// Every target running now, so a second SIGINT can kill them without waiting for anything.
const liveTargets = new Set<BenchTarget>();

/** SIGKILLs every server process a running benchmark started (for a second SIGINT). */
export function killStartedProcesses(): void {
  for (const target of liveTargets) target.killNow();
}

function environmentNow(): Omit<BenchEnvironment, 'loadAverageEnd'> {
  const cores = cpus();
  return {
    date: new Date().toISOString(),
    cpus: `${cores.length}× ${cores[0]?.model.trim() ?? 'unknown CPU'}`,
    node: process.version,
    loadAverageStart: loadavg(),
  };
}

/** Runs the whole grid and returns every cell's figures with their Markdown table. */
export async function runClusterBench(options: ClusterBenchOptions): Promise<ClusterBenchReport> {
  const run: RunState = {
    options,
    log: options.log ?? (() => {}),
    results: [],
    notes: [],
    cellId: 0,
  };
  const started = environmentNow();
  let gridIndex = 0;
  for (const nodes of options.nodes) {
    if (aborted(options)) break;
    const targets: BenchTarget[] = [];
    // Whatever happens from the first start on, every target started here is stopped.
    try {
      await startTargets(run, nodes, targets);
      const loadedBytes = new Map<BenchTarget, number>();
      for (const spec of cells(options)) {
        if (aborted(options)) break;
        const order = gridIndex++ % 2 === 0 ? targets : [...targets].reverse();
        for (const target of order) {
          if (aborted(options)) break;
          await measureCell(run, target, spec, loadedBytes);
        }
      }
    } finally {
      await Promise.allSettled(targets.map((target) => untrack(target).stop()));
    }
  }
  const environment = { ...started, loadAverageEnd: loadavg() };
  return {
    environment,
    etcdBinary: options.etcdBinary ?? null,
    results: run.results,
    notes: run.notes,
    markdown: renderMarkdown(run.results, environment, run.notes),
    aborted: aborted(options),
  };
}

/** What one run accumulates as it goes. */
interface RunState {
  readonly options: ClusterBenchOptions;
  readonly log: (line: string) => void;
  readonly results: CellResult[];
  readonly notes: string[];
  /** Each cell of each target gets its own id, which keeps append tokens unique in the run. */
  cellId: number;
}

// A function, not a field read: the signal flips while the run goes on.
const aborted = (options: ClusterBenchOptions) => options.signal?.aborted === true;

// Starts the `nodes`-node clusters into `targets` (the caller stops whatever is in it).
async function startTargets(run: RunState, nodes: number, targets: BenchTarget[]): Promise<void> {
  const { options, log } = run;
  for (const persister of options.persisters) {
    if (aborted(options)) return;
    log(`starting ${nodes}-node kvraft ${persister}`);
    targets.push(track(await startKvraftTarget(nodes, persister)));
  }
  if (options.etcdBinary === undefined || aborted(options)) return;
  log(`starting ${nodes}-node etcd (${options.etcdBinary})`);
  // etcd is the yardstick, not the subject: without it the kvraft cells still run.
  try {
    targets.push(track(await startEtcdTarget(nodes, options.etcdBinary)));
  } catch (error) {
    run.notes.push(`${nodes}-node etcd did not start, kvraft ran alone: ${String(error)}`);
    log(run.notes.at(-1)!);
  }
}

// Runs one cell on one target (preloading first if it reads); a failure becomes a note, so one
// cell's trouble (a system in trouble, a loader bug) does not lose the others.
async function measureCell(
  run: RunState,
  target: BenchTarget,
  spec: CellSpec,
  loadedBytes: Map<BenchTarget, number>,
): Promise<void> {
  const name =
    `${target.label} ${target.nodes} nodes ${spec.workload} ` +
    `${spec.clients} clients ${spec.valueBytes} B`;
  // Reads should find values of the cell's size, not missing keys.
  const reads = spec.workload === 'get' || spec.workload === 'mixed';
  try {
    if (reads && loadedBytes.get(target) !== spec.valueBytes) {
      const failures = await preload(target, spec.keys, spec.valueBytes);
      if (failures > 0) {
        run.notes.push(`${name}: ${failures} of ${spec.keys} preload puts failed`);
        run.log(run.notes.at(-1)!);
      }
      loadedBytes.set(target, spec.valueBytes);
    }
    // Puts and appends leave other sizes (or longer values) behind.
    if (!reads) loadedBytes.delete(target);
    const result = await runCell(target, spec, run.cellId++, run.options.signal);
    run.results.push(result);
    run.log(
      `${name}: ${Math.round(result.opsPerSecond)} ops/s, ` +
        `p50 ${result.p50Ms.toFixed(1)} ms, ${result.errors} errors`,
    );
  } catch (error) {
    run.notes.push(`${name}: failed to measure: ${String(error)}`);
    run.log(run.notes.at(-1)!);
  }
}

function track(target: BenchTarget): BenchTarget {
  liveTargets.add(target);
  return target;
}

function untrack(target: BenchTarget): BenchTarget {
  liveTargets.delete(target);
  return target;
}

// The grid of one node count, value size outermost so a size's cells run together.
function* cells(options: ClusterBenchOptions): Generator<CellSpec> {
  for (const valueBytes of options.valueBytes) {
    for (const workload of options.workloads) {
      for (const clients of options.clients) {
        const { keys, durationMs } = options;
        const opsPerClient = options.opsPerClient ?? opsPerClientMax;
        yield { workload, clients, valueBytes, keys, durationMs, opsPerClient };
      }
    }
  }
}
