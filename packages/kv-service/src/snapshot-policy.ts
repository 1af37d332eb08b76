// When a KV server asks Raft for a snapshot. A snapshot costs time and bytes in proportion to the
// whole state, so taking one as soon as the Raft state passes maxraftstate makes that cost per
// logged byte grow with the state, and an entry at least maxraftstate big (a ~1 MiB value under
// the 1 MiB default) triggers a snapshot per entry. The log is let grow to `snapshotLogRatioMin`
// times the last snapshot's size first (amortized, as LevelDB compactions or Redis AOF rewrites
// are), never past `raftStateFactorMax` × maxraftstate: the lab contract bounds the Raft state
// at 8 × maxraftstate, and the cap leaves half of it for entries applied while a snapshot saves.

/** The Raft state never grows past this many times maxraftstate before a snapshot is asked for. */
export const raftStateFactorMax = 4;

/** The default of `snapshotLogRatioMin`: grow the log by one snapshot's size between snapshots. */
export const snapshotLogRatioMinDefault = 1;

/** What the policy reads. */
export interface SnapshotPolicyInput {
  /** The configured threshold in bytes; -1 never snapshots. */
  readonly maxraftstate: number;
  /** Log bytes per byte of the last snapshot to accumulate first; 0 snapshots at maxraftstate. */
  readonly snapshotLogRatioMin: number;
  /** The durable Raft state (hard state and retained log), in bytes. */
  readonly raftStateBytes: number;
  /** The durable snapshot's data, in bytes (0 when there is none). */
  readonly snapshotBytes: number;
}

/** Returns the Raft state size, in bytes, at which a snapshot is due; Infinity when never. */
export function snapshotDueBytes(input: Omit<SnapshotPolicyInput, 'raftStateBytes'>): number {
  const { maxraftstate, snapshotLogRatioMin, snapshotBytes } = input;
  if (maxraftstate < 0) return Number.POSITIVE_INFINITY;
  const amortizedBytes = snapshotLogRatioMin * snapshotBytes;
  return Math.min(Math.max(maxraftstate, amortizedBytes), raftStateFactorMax * maxraftstate);
}

/** Whether a snapshot is due now. */
export function snapshotDue(input: SnapshotPolicyInput): boolean {
  return input.raftStateBytes >= snapshotDueBytes(input);
}
