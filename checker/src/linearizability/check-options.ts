// The check's named limits and ports, with defaults. Time comes only from the injected clock:
// without one, time budgets cannot fire and only step and memory budgets bound the run.

import { assert } from '../assert.ts';

/** A monotonic clock in milliseconds (the CLI passes performance.now). */
export interface Clock {
  now(): number;
}

/** Progress reported between search rounds (for progress lines and memory sampling). */
export interface CheckProgress {
  readonly elapsedMs: number;
  readonly partitionsDecided: number;
  readonly partitionCount: number;
  readonly steps: number;
}

/** Options of `check`; every limit has a default (see `checkDefaults`). */
export interface CheckOptions {
  readonly clock?: Clock;
  /** Wall-clock limit for the whole run. */
  readonly budgetMs?: number;
  /** Wall-clock limit for one partition's own search time. */
  readonly partitionBudgetMs?: number;
  /** Search steps allowed per partition (a deterministic budget). */
  readonly partitionStepsMax?: number;
  /** Memoized configurations allowed per partition. */
  readonly cacheEntriesMax?: number;
  /** Estimated memo bytes allowed per partition. */
  readonly partitionBytesMax?: number;
  /** Estimated memo bytes allowed across all partitions searched at once. */
  readonly memoryBytesMax?: number;
  /** List entries the lookahead pruning scans per placement (0 turns it off). */
  readonly lookaheadEntriesMax?: number;
  /** Steps a partition runs before the next partition gets its turn. */
  readonly sliceSteps?: number;
  /** Stop as soon as one partition is illegal (the rest end `unknown`, `stopped-early`). */
  readonly stopAtFirstIllegal?: boolean;
  readonly onProgress?: (progress: CheckProgress) => void;
}

/** The defaults: generous for real histories, and bounded so no input exhausts memory. */
export const checkDefaults = {
  budgetMs: 60_000,
  partitionBudgetMs: 10_000,
  partitionStepsMax: 200_000_000,
  cacheEntriesMax: 2_000_000,
  partitionBytesMax: 256 * 1024 * 1024,
  memoryBytesMax: 768 * 1024 * 1024,
  lookaheadEntriesMax: 256,
  sliceSteps: 4096,
  stopAtFirstIllegal: true,
} as const;

/** The options with defaults applied. */
export type CheckLimits = {
  -readonly [K in keyof typeof checkDefaults]: (typeof checkDefaults)[K] extends boolean
    ? boolean
    : number;
};

/** Applies defaults and validates every limit. */
export function resolveLimits(options: CheckOptions): CheckLimits {
  const limits: CheckLimits = {
    budgetMs: options.budgetMs ?? checkDefaults.budgetMs,
    partitionBudgetMs: options.partitionBudgetMs ?? checkDefaults.partitionBudgetMs,
    partitionStepsMax: options.partitionStepsMax ?? checkDefaults.partitionStepsMax,
    cacheEntriesMax: options.cacheEntriesMax ?? checkDefaults.cacheEntriesMax,
    partitionBytesMax: options.partitionBytesMax ?? checkDefaults.partitionBytesMax,
    memoryBytesMax: options.memoryBytesMax ?? checkDefaults.memoryBytesMax,
    lookaheadEntriesMax: options.lookaheadEntriesMax ?? checkDefaults.lookaheadEntriesMax,
    sliceSteps: options.sliceSteps ?? checkDefaults.sliceSteps,
    stopAtFirstIllegal: options.stopAtFirstIllegal ?? checkDefaults.stopAtFirstIllegal,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value === 'number') assert(value >= 0, `${name} is not negative`);
  }
  assert(Number.isInteger(limits.sliceSteps), 'sliceSteps is an integer');
  return limits;
}
