// Goal: a server does not snapshot per entry when entries are as big as maxraftstate, yet the
// Raft state stays within the lab's bound. Method: the pure policy, fed the sizes a server
// would see: a 1 MiB threshold, ~1 MiB entries, a 20 MiB state.
import { describe, expect, it } from 'vitest';
import { raftStateFactorMax, snapshotDue, snapshotDueBytes } from '../src/index.ts';

const mib = 1 << 20;
const entryBytes = 21 + mib; // one ~1 MiB value in the persister's logical size

/** Counts the snapshots a stream of `entries` big entries triggers. */
function snapshotsOver(entries: number, snapshotLogRatioMin: number, stateBytes: number): number {
  let raftStateBytes = 24;
  let snapshots = 0;
  for (let i = 0; i < entries; i++) {
    raftStateBytes += entryBytes;
    const input = {
      maxraftstate: mib,
      snapshotLogRatioMin,
      raftStateBytes,
      snapshotBytes: stateBytes,
    };
    if (!snapshotDue(input)) continue;
    snapshots++;
    raftStateBytes = 24;
  }
  return snapshots;
}

describe('snapshot policy', () => {
  it('takes one snapshot per entry when told to snapshot at maxraftstate (ratio 0)', () => {
    expect(snapshotsOver(100, 0, 20 * mib)).toBe(100);
  });

  it('lets the log grow past maxraftstate by default, so big entries share snapshots', () => {
    expect(snapshotsOver(100, 1, 20 * mib)).toBe(25);
  });

  it('snapshots at maxraftstate while the state is small, and never past the cap', () => {
    const small = { maxraftstate: 1000, snapshotLogRatioMin: 1, snapshotBytes: 200 };
    expect(snapshotDueBytes(small)).toBe(1000);
    const big = { maxraftstate: 1000, snapshotLogRatioMin: 1, snapshotBytes: 30_000 };
    expect(snapshotDueBytes(big)).toBe(raftStateFactorMax * 1000);
    expect(raftStateFactorMax * 2).toBeLessThanOrEqual(8);
    expect(snapshotDueBytes({ maxraftstate: -1, snapshotLogRatioMin: 1, snapshotBytes: 0 })).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});
