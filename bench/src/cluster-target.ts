// What the cluster benchmark's loader needs of a system under test: clients that run one
// operation at a time, the pids whose CPU the system is charged for, and its own persist counts.
// kvraft and etcd both implement it, so one closed-loop loader drives both in the same shape.
import type { PersistCounts } from './cluster-metrics.ts';

/** The workloads: all puts, 50/50 get/put, all appends, all gets. */
export const workloadNames = ['put', 'mixed', 'append', 'get'] as const;

/** One of the benchmark's workloads. */
export type WorkloadName = (typeof workloadNames)[number];

/** The persisters a benchmark kvraft cluster may run. */
export const benchPersisters = ['sqlite', 'level', 'memory'] as const;

/** One of the persisters a benchmark kvraft cluster may run. */
export type BenchPersister = (typeof benchPersisters)[number];

/** One client of a system: one operation at a time; each write resolves true on success. */
export interface BenchClient {
  /** The key's value ('' when missing), or undefined when the read failed. */
  get(key: string): Promise<string | undefined>;
  put(key: string, value: string): Promise<boolean>;
  /** Appends `token` to the key's value exactly once (etcd: a compare-and-swap loop). */
  append(key: string, token: string): Promise<boolean>;
  /** Closes the client's connections. */
  close(): void;
}

/** A running system under test. */
export interface BenchTarget {
  /** The table's name for it, e.g. `kvraft sqlite` or `etcd 3.4.23`. */
  readonly label: string;
  readonly system: 'kvraft' | 'etcd';
  /** The kvraft persister, or `wal` for etcd. */
  readonly storage: string;
  readonly nodes: number;
  /** Opens client number `index` (its own connection, as a separate client process would). */
  openClient(index: number): BenchClient;
  /** The pids of every server process, whose CPU the system is charged for. */
  pids(): readonly number[];
  /** Entries and saves the nodes counted so far, or undefined when they do not say. */
  persistCounts(): Promise<PersistCounts | undefined>;
  /** Stops every process it started (bounded) and removes its data. */
  stop(): Promise<void>;
  /** SIGKILLs every process it started, at once (for a second SIGINT). */
  killNow(): void;
}
