// The closed-loop loader of one benchmark cell: `clients` clients, each with its own connection,
// each issuing its next operation as soon as the last one answered, for a fixed time. Around the
// cell it samples the servers' CPU (/proc), the loader's own CPU and the servers' persist counts,
// so every figure covers exactly the cell. The same loader drives kvraft and etcd.

import { totalCpuMs } from './cluster-proc-cpu.ts';
import { type LatencySummary, summarizeLatencies } from './cluster-stats.ts';
import type { BenchClient, BenchTarget, WorkloadName } from './cluster-target.ts';

/** Most operations one client issues in one cell, whatever the duration (bounds memory). */
export const opsPerClientMax = 1_000_000;
/** Parallel writers of the untimed preload that gives every key a value before reads. */
const preloadClients = 32;
/** Most value bytes the preload's writers have in flight together. */
const preloadBytesInFlight = 8 * 1024 * 1024;

/** One cell of the benchmark grid. */
export interface CellSpec {
  readonly workload: WorkloadName;
  readonly clients: number;
  readonly valueBytes: number;
  readonly keys: number;
  readonly durationMs: number;
  /** Most operations per client (at most opsPerClientMax); the cell ends at this or the time. */
  readonly opsPerClient: number;
}

/** What one cell measured on one target. */
export interface CellResult extends CellSpec, LatencySummary {
  readonly label: string;
  readonly system: 'kvraft' | 'etcd';
  readonly storage: string;
  readonly nodes: number;
  /** Successful operations. */
  readonly ops: number;
  /** Operations that failed (timed out, or refused). */
  readonly errors: number;
  readonly elapsedMs: number;
  readonly opsPerSecond: number;
  /** Server CPU (utime+stime of every node) per successful operation; undefined if unreadable. */
  readonly serverCpuMsPerOp: number | undefined;
  /** The loader process's own CPU (user+system) per successful operation. */
  readonly loaderCpuMsPerOp: number;
  /** Committed entries per save (kvraft) or per WAL fsync (etcd), summed over the nodes. */
  readonly entriesPerSave: number | undefined;
  /** Saves (kvraft) or WAL fsyncs (etcd) per successful operation, summed over the nodes. */
  readonly savesPerOp: number | undefined;
}

/** A small seeded PRNG (xorshift32), so each client's key sequence is reproducible. */
function xorshift32(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

/** The name of key number `n`. */
export function keyName(n: number): string {
  return `k${n}`;
}

// A value of `bytes` bytes that starts with `token` (longer than `bytes` only if the token is).
function paddedValue(token: string, padding: string): string {
  return token.length >= padding.length ? token : token + padding.slice(token.length);
}

/**
 * Writes a value of `valueBytes` bytes to every key, untimed, so get cells read real values;
 * resolves with the number of puts that failed (the cell that follows still runs, and says so
 * in its errors if the system is in trouble).
 */
export async function preload(
  target: BenchTarget,
  keys: number,
  valueBytes: number,
): Promise<number> {
  const padding = '.'.repeat(valueBytes);
  // Bounded bytes in flight as well as writers: 32 writers of 1 MiB values would be a load
  // test of their own.
  const writers = Math.max(
    1,
    Math.min(preloadClients, keys, Math.floor(preloadBytesInFlight / valueBytes)),
  );
  let next = 0;
  let failures = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, index) => {
      const client = target.openClient(index);
      try {
        // Bounded: every key is taken once, by one writer.
        while (next < keys) {
          const key = next++;
          if (!(await client.put(keyName(key), paddedValue(`p${key};`, padding)))) failures++;
        }
      } finally {
        client.close();
      }
    }),
  );
  return failures;
}

// Runs one client's closed loop until the deadline, the op limit or the abort.
async function clientLoop(
  client: BenchClient,
  spec: CellSpec,
  tokenPrefix: string,
  seed: number,
  deadlineMs: number,
  signal: AbortSignal | undefined,
): Promise<{ latenciesMs: number[]; errors: number }> {
  const random = xorshift32(seed);
  const padding = '.'.repeat(spec.valueBytes);
  const latenciesMs: number[] = [];
  let errors = 0;
  for (let seq = 0; seq < Math.min(spec.opsPerClient, opsPerClientMax); seq++) {
    if (performance.now() >= deadlineMs || signal?.aborted === true) break;
    const key = keyName(Math.floor(random() * spec.keys));
    // Unique per run, cell, client and operation: an append that applied twice would show.
    const token = `${tokenPrefix}${seq.toString(36)};`;
    const startedMs = performance.now();
    let ok: boolean;
    switch (spec.workload) {
      case 'put':
        ok = await client.put(key, paddedValue(token, padding));
        break;
      case 'get':
        ok = (await client.get(key)) !== undefined;
        break;
      case 'append':
        ok = await client.append(key, paddedValue(token, padding));
        break;
      case 'mixed':
        ok =
          random() < 0.5
            ? (await client.get(key)) !== undefined
            : await client.put(key, paddedValue(token, padding));
        break;
    }
    if (ok) latenciesMs.push(performance.now() - startedMs);
    else errors++;
  }
  return { latenciesMs, errors };
}

/**
 * Runs cell `spec` against `target`: opens the clients, warms each connection with one untimed
 * get, then runs the closed loops for `spec.durationMs`. `cellId` makes append tokens unique
 * across the cells of a run.
 */
export async function runCell(
  target: BenchTarget,
  spec: CellSpec,
  cellId: number,
  signal?: AbortSignal,
): Promise<CellResult> {
  const clients = Array.from({ length: spec.clients }, (_, index) => target.openClient(index));
  try {
    // Connection set-up (and the clerk's leader search) is not part of any operation's latency.
    await Promise.all(clients.map((client) => client.get(keyName(0))));
    // The scrapes sit outside the CPU samples: a /metrics scrape costs the nodes CPU too.
    const countsBefore = await target.persistCounts();
    const serverBefore = totalCpuMs(target.pids());
    const loaderBefore = process.cpuUsage();
    const startedMs = performance.now();
    const deadlineMs = startedMs + spec.durationMs;
    const runs = await Promise.all(
      clients.map((client, index) =>
        clientLoop(
          client,
          spec,
          `${cellId.toString(36)}.${index.toString(36)}.`,
          cellId * 65_537 + index + 1,
          deadlineMs,
          signal,
        ),
      ),
    );
    const elapsedMs = performance.now() - startedMs;
    const loader = process.cpuUsage(loaderBefore);
    const serverAfter = totalCpuMs(target.pids());
    const countsAfter = await target.persistCounts();
    const latenciesMs = runs.flatMap((run) => run.latenciesMs);
    const ops = latenciesMs.length;
    const perOp = (value: number | undefined) =>
      value === undefined || ops === 0 ? undefined : value / ops;
    const serverMs =
      serverBefore === undefined || serverAfter === undefined
        ? undefined
        : serverAfter - serverBefore;
    const entries =
      countsBefore && countsAfter ? countsAfter.entries - countsBefore.entries : undefined;
    const saves = countsBefore && countsAfter ? countsAfter.saves - countsBefore.saves : undefined;
    return {
      ...spec,
      ...summarizeLatencies(latenciesMs),
      label: target.label,
      system: target.system,
      storage: target.storage,
      nodes: target.nodes,
      ops,
      errors: runs.reduce((sum, run) => sum + run.errors, 0),
      elapsedMs,
      opsPerSecond: (ops * 1000) / elapsedMs,
      serverCpuMsPerOp: perOp(serverMs),
      loaderCpuMsPerOp: (loader.user + loader.system) / 1000 / Math.max(ops, 1),
      entriesPerSave:
        entries === undefined || saves === undefined || saves === 0 ? undefined : entries / saves,
      savesPerOp: perOp(saves),
    };
  } finally {
    for (const client of clients) client.close();
  }
}
