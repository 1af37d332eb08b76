// The machine-readable outcome of a linearizability check, overall and per partition. Plain data
// (JSON-serializable): operations are referred to by their id in `History.operations`.

/** `ok`: linearizable; `illegal`: proven not linearizable; `unknown`: undecided within budget. */
export type Verdict = 'ok' | 'illegal' | 'unknown';

/** Why a partition ended `unknown`. */
export type UnknownReason =
  | 'partition-time-budget'
  | 'partition-steps-budget'
  | 'partition-memory-budget'
  | 'run-time-budget'
  | 'run-memory-budget'
  | 'stopped-early';

/** One partition's verdict and the work it took. */
export interface PartitionResult {
  readonly key: string;
  readonly verdict: Verdict;
  /** Set exactly when the verdict is `unknown`. */
  readonly reason?: UnknownReason;
  /** Operations searched (ok and info; fail operations never took effect and are dropped). */
  readonly operationCount: number;
  readonly steps: number;
  readonly elapsedMs: number;
  readonly cacheEntries: number;
  readonly cacheBytes: number;
  /** For illegal and unknown partitions: ids of the longest linearizable prefix found. */
  readonly longestPrefix: readonly number[];
  /** For illegal partitions: the id of the operation that cannot be placed after the prefix. */
  readonly blockedOperation?: number;
}

/** A whole history's verdict: illegal if any partition is, else unknown if any is, else ok. */
export interface CheckResult {
  readonly verdict: Verdict;
  readonly model: string;
  readonly operationCount: number;
  readonly elapsedMs: number;
  readonly partitions: readonly PartitionResult[];
}
