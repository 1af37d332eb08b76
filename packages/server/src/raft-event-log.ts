// Raft's notable events as structured log lines: elections started, won and lost, leader and
// term changes, snapshots taken or installed (with sizes), and slow saves. It reads only what
// the driver reports (each leadership change from the Ready) and what the persister is asked
// to save, so the logging changes nothing about what Raft does.
import type { Leadership, LogIndex, Role } from '@kvraft/raft-core';
import type { TransportLogger } from '@kvraft/transport';

/** Saves slower than this are logged as slow; 100 ms is far beyond a healthy fsync. */
export const slowSaveMsDefault = 100;

const campaigning: readonly Role[] = ['precandidate', 'candidate'];

/** Turns leadership changes and saves into log lines. */
export class RaftEventLog {
  private last: Leadership;

  /** Starts from the leadership restored at boot (a follower with no known leader). */
  constructor(
    private readonly logger: TransportLogger,
    initial: Leadership,
    private readonly slowSaveMs = slowSaveMsDefault,
  ) {
    this.last = initial;
  }

  /** Logs what a leadership change means: an election's start or outcome, a new term or leader. */
  leadership(next: Leadership): void {
    const previous = this.last;
    this.last = next;
    const fields = { term: next.term, role: next.role, leader: next.leaderId };
    // A single voter wins in the same step it campaigns, so its Ready goes straight from
    // follower to leader in a new term: that is an election too.
    const wonAtOnce = next.role === 'leader' && !campaigning.includes(previous.role);
    if ((campaigning.includes(next.role) && next.role !== previous.role) || wonAtOnce) {
      const kind = next.role === 'precandidate' ? 'pre-vote' : 'vote';
      this.logger.info({ ...fields, kind }, 'election started');
    }
    if (next.role === 'leader' && previous.role !== 'leader') {
      this.logger.info(fields, 'election won');
    }
    if (next.role === 'follower' && campaigning.includes(previous.role)) {
      this.logger.info(fields, 'election lost');
    }
    if (next.term !== previous.term) {
      this.logger.info({ ...fields, previousTerm: previous.term }, 'term changed');
    }
    if (next.leaderId !== previous.leaderId && next.leaderId !== null) {
      this.logger.info({ ...fields, previousLeader: previous.leaderId }, 'leader changed');
    }
  }

  /**
   * Logs a persisted snapshot: one at or below the applied index was taken here (the state
   * machine had applied what it covers); one above it came from the leader (InstallSnapshot).
   */
  snapshotSaved(index: LogIndex, bytes: number, appliedIndex: LogIndex): void {
    const installed = index > appliedIndex;
    this.logger.info({ index, bytes }, installed ? 'snapshot installed' : 'snapshot taken');
  }

  /** Logs a save that took longer than the slow-save threshold. */
  saveTook(elapsedMs: number, entries: number): void {
    if (elapsedMs < this.slowSaveMs) return;
    this.logger.warn(
      { elapsedMs: Math.round(elapsedMs), entries, thresholdMs: this.slowSaveMs },
      'slow save',
    );
  }
}
