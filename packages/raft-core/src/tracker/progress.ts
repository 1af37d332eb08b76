// A leader's view of one follower's replication (etcd's Progress): what matches, what to send
// next, and how hard to push. Probe sends one message at a time until the follower's position is
// known; replicate pipelines up to `inflightMessagesMax`; snapshot waits for an InstallSnapshot.
import { assert } from '../assert.ts';
import type { LogIndex } from '../types.ts';

/** The flow-control state of one follower. */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** Replication progress of one follower, as tracked by the leader. */
export class Progress {
  // Invariant: matchIndex < nextIndex.
  matchIndex: LogIndex = 0;
  nextIndex: LogIndex;
  state: ProgressState = 'probe';
  /** In probe state: a message is outstanding; wait for a reply or the next heartbeat. */
  probeSent = false;
  /** In snapshot state: the index of the snapshot sent. */
  pendingSnapshotIndex: LogIndex = 0;
  /** Ticks spent in snapshot state, to resend a snapshot that was lost. */
  snapshotElapsedTicks = 0;
  /** Whether the follower answered since the last CheckQuorum round (thesis §6.2). */
  recentActive = false;
  /** Last index of each AppendEntries in flight, oldest first. */
  private readonly inflights: LogIndex[] = [];

  constructor(
    nextIndex: LogIndex,
    private readonly inflightMessagesMax: number,
  ) {
    this.nextIndex = nextIndex;
  }

  /** Whether no more AppendEntries may be sent now. */
  isPaused(): boolean {
    if (this.state === 'probe') return this.probeSent;
    if (this.state === 'snapshot') return true;
    return this.inflights.length >= this.inflightMessagesMax;
  }

  /** The follower lost entries it acknowledged (a damaged store): its match is unknown again. */
  forgetMatch(): void {
    this.matchIndex = 0;
  }

  /** Switches to probe: one message at a time from `nextIndex`. */
  becomeProbe(nextIndex: LogIndex): void {
    this.state = 'probe';
    this.probeSent = false;
    this.inflights.length = 0;
    this.nextIndex = Math.max(nextIndex, this.matchIndex + 1);
  }

  /** Switches to replicate: pipeline optimistically after the known match. */
  becomeReplicate(): void {
    this.state = 'replicate';
    this.probeSent = false;
    this.inflights.length = 0;
    this.nextIndex = this.matchIndex + 1;
  }

  /** Switches to snapshot: nothing is sent until the snapshot is acknowledged or times out. */
  becomeSnapshot(snapshotIndex: LogIndex): void {
    this.state = 'snapshot';
    this.inflights.length = 0;
    this.pendingSnapshotIndex = snapshotIndex;
    this.snapshotElapsedTicks = 0;
  }

  /** Records that an AppendEntries ending at `lastIndex` was sent. */
  sent(lastIndex: LogIndex, entryCount: number): void {
    if (this.state === 'probe') {
      this.probeSent = true;
      return;
    }
    assert(this.state === 'replicate', 'sending entries in snapshot state');
    if (entryCount === 0) return;
    this.nextIndex = lastIndex + 1;
    this.inflights.push(lastIndex);
  }

  /** Frees the oldest in-flight slot when the window is full (its message may be lost). */
  freeFirstInflightIfFull(): void {
    if (this.state === 'replicate' && this.inflights.length >= this.inflightMessagesMax) {
      this.inflights.shift();
    }
  }

  /** Records an acknowledgement up to `index`; returns whether matchIndex moved. */
  maybeUpdate(index: LogIndex): boolean {
    this.probeSent = false;
    while (this.inflights.length > 0 && this.inflights[0]! <= index) this.inflights.shift();
    if (index <= this.matchIndex) return false;
    this.matchIndex = index;
    this.nextIndex = Math.max(this.nextIndex, index + 1);
    return true;
  }
}
