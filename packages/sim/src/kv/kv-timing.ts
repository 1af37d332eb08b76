// The kvraft tester's timing constants (SCENARIOS.md §1), in virtual milliseconds.

/** The tester's timing, by its original names where it has them. */
export const kvTiming = {
  /** The kvraft tester's election allowance, used as a sleep length. */
  electionTimeoutMs: 1000,
  /** GenericTest: how long clients run in each round. */
  roundMs: 5000,
  /** GenericTest: rounds per test. */
  rounds: 3,
  /** Partitioner: a new random partition every 1 s plus U[0, 200) ms. */
  partitionJitterMs: 200,
  /** Speed: 1000 ops in at most 1000 × (100 ms / 3). */
  speedOps: 1000,
  heartbeatIntervalMs: 100,
  /** OnePartition: the minority must not finish within this long. */
  minorityWindowMs: 1000,
  /** OnePartition: the healed Put must finish within this long. */
  healCompletionMs: 3000,
  /** SnapshotSize: the snapshot limit in bytes. */
  snapshotBytesMax: 500,
} as const;
