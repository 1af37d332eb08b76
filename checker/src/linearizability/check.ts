// Checks a history for linearizability against a model: one search per partition, interleaved
// round-robin in slices of steps so a hard partition never starves the others, each bounded by
// time, step and memory budgets, stopping at the first illegal partition by default. The clock
// is read after every slice and before every new partition, and a partition's search is built
// only when it first runs, so the run budget holds with 50,000 keys as with one.

import type { History, Operation } from '../history/types.ts';
import { type Model, withoutUnobservable } from '../model/model.ts';
import { type CheckLimits, type CheckOptions, resolveLimits } from './check-options.ts';
import type { CheckResult, PartitionResult, UnknownReason, Verdict } from './check-result.ts';
import { PartitionSearch } from './partition-search.ts';

interface PartitionRun<State> {
  readonly key: string;
  readonly operations: readonly Operation[];
  readonly operationCount: number;
  search: PartitionSearch<State> | undefined;
  elapsedMs: number;
  result: PartitionResult | undefined;
}

/** Checks `history` against `model`; never throws on hard inputs, it answers `unknown`. */
export function check<State>(
  history: History,
  model: Model<State>,
  options: CheckOptions = {},
): CheckResult {
  const limits = resolveLimits(options);
  const now = (): number => options.clock?.now() ?? 0;
  const startedMs = now();
  const overBudget = (): boolean => now() - startedMs > limits.budgetMs;
  const effective = history.operations.filter((operation) => operation.status !== 'fail');
  const runs = model.partition(effective).map((partition) => newRun<State>(partition));
  let active = runs;
  while (active.length > 0) {
    for (const run of active) {
      if (overBudget()) break;
      runSlice(run, model, limits, now);
      if (run.result?.verdict === 'illegal' && limits.stopAtFirstIllegal) {
        endAll(runs, 'stopped-early');
        break;
      }
    }
    active = runs.filter((run) => run.result === undefined);
    enforceRunMemory(active, limits);
    if (overBudget()) endAll(active, 'run-time-budget');
    active = runs.filter((run) => run.result === undefined);
    options.onProgress?.({
      elapsedMs: now() - startedMs,
      partitionsDecided: runs.length - active.length,
      partitionCount: runs.length,
      steps: runs.reduce((sum, run) => sum + (run.result?.steps ?? run.search?.steps ?? 0), 0),
    });
  }
  const partitions = runs.map((run) => run.result as PartitionResult);
  return {
    verdict: overallVerdict(partitions),
    model: model.name,
    operationCount: history.operations.length,
    elapsedMs: now() - startedMs,
    partitions,
  };
}

function newRun<State>(partition: {
  key: string;
  operations: readonly Operation[];
}): PartitionRun<State> {
  return {
    key: partition.key,
    operations: partition.operations,
    operationCount: partition.operations.length,
    search: undefined,
    elapsedMs: 0,
    result: undefined,
  };
}

function runSlice<State>(
  run: PartitionRun<State>,
  model: Model<State>,
  limits: CheckLimits,
  now: () => number,
): void {
  const sliceStartMs = now();
  // Built on first use: building every partition's search up front took longer than the
  // budget on large histories, and held every partition's arrays at once.
  // Info operations nothing can observe are dropped first: each one multiplies the orders.
  run.search ??= new PartitionSearch(
    model,
    withoutUnobservable(model, run.operations),
    limits.lookaheadEntriesMax,
  );
  const search = run.search;
  const status = search.run(Math.min(limits.sliceSteps, limits.partitionStepsMax - search.steps));
  run.elapsedMs += now() - sliceStartMs;
  if (status !== 'running') {
    endRun(run, status, undefined);
  } else if (search.steps >= limits.partitionStepsMax) {
    endRun(run, 'unknown', 'partition-steps-budget');
  } else if (run.elapsedMs > limits.partitionBudgetMs) {
    endRun(run, 'unknown', 'partition-time-budget');
  } else if (
    search.cacheEntries > limits.cacheEntriesMax ||
    search.cacheBytes > limits.partitionBytesMax
  ) {
    endRun(run, 'unknown', 'partition-memory-budget');
  }
}

/** Ends the partition holding the most memory until the run is within its memory budget. */
function enforceRunMemory<State>(active: PartitionRun<State>[], limits: CheckLimits): void {
  const bytes = (run: PartitionRun<State>): number => run.search?.cacheBytes ?? 0;
  let total = active.reduce((sum, run) => sum + bytes(run), 0);
  while (total > limits.memoryBytesMax) {
    const largest = active
      .filter((run) => run.result === undefined)
      .reduce((best, run) => (bytes(run) > bytes(best) ? run : best));
    total -= bytes(largest);
    endRun(largest, 'unknown', 'run-memory-budget');
  }
}

function endAll<State>(runs: PartitionRun<State>[], reason: UnknownReason): void {
  for (const run of runs) if (run.result === undefined) endRun(run, 'unknown', reason);
}

function endRun<State>(
  run: PartitionRun<State>,
  verdict: Verdict,
  reason: UnknownReason | undefined,
): void {
  const search = run.search;
  const decided = verdict === 'ok';
  // A partition ended before its first slice has searched nothing and placed nothing.
  const base = {
    key: run.key,
    verdict,
    operationCount: run.operationCount,
    steps: search?.steps ?? 0,
    elapsedMs: run.elapsedMs,
    cacheEntries: search?.cacheEntries ?? 0,
    cacheBytes: search?.cacheBytes ?? 0,
    longestPrefix: decided || search === undefined ? [] : search.longestPrefix,
  };
  const withReason = reason === undefined ? base : { ...base, reason };
  const blocked = verdict === 'illegal' ? search?.blockedOperation : undefined;
  run.result = blocked === undefined ? withReason : { ...withReason, blockedOperation: blocked };
  // The memo is the bulk of the memory; drop it as soon as the partition is decided.
  run.search = undefined;
}

function overallVerdict(partitions: readonly PartitionResult[]): Verdict {
  if (partitions.some((partition) => partition.verdict === 'illegal')) return 'illegal';
  if (partitions.some((partition) => partition.verdict === 'unknown')) return 'unknown';
  return 'ok';
}
