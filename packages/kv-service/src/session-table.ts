// Client sessions for exactly-once writes: per client id, the highest applied write sequence
// number. Bounded by `sessionsMax`; when full, the session applied least recently (by log index)
// is evicted. Every replica applies the same log, so every replica evicts the same session.
// Invariant: iteration order is ascending `lastIndex` (a touched session moves to the end).
import { assert, type LogIndex } from '@kvraft/raft-core';
import type { ClientId } from './protocol.ts';

/** One client's session. Writes reply with no value, so "its reply" is implicitly ok. */
export interface Session {
  readonly clientId: ClientId;
  /** The highest write sequence number applied for this client. */
  readonly seq: number;
  /** The log index that last applied a write of this client (the eviction order). */
  readonly lastIndex: LogIndex;
}

/** The bounded, deterministically evicted table of sessions. */
export class SessionTable {
  // Map iteration order is insertion order; re-inserting on every write keeps it LRU by index.
  private readonly sessions = new Map<ClientId, Session>();
  private evictedCountValue = 0;

  /** A table holding at most `sessionsMax` sessions. */
  constructor(readonly sessionsMax: number) {
    assert(Number.isSafeInteger(sessionsMax) && sessionsMax > 0, 'sessionsMax must be > 0');
  }

  /** How many sessions are held. */
  get size(): number {
    return this.sessions.size;
  }

  /** Sessions evicted so far by this instance (not persisted; for tests and status). */
  get evictedCount(): number {
    return this.evictedCountValue;
  }

  /** The session of `clientId`, if it has one. */
  get(clientId: ClientId): Session | undefined {
    return this.sessions.get(clientId);
  }

  /** Records that a write `seq` of `clientId` applied at `index`; returns the evicted id, if any. */
  record(clientId: ClientId, seq: number, index: LogIndex): ClientId | null {
    const previous = this.sessions.get(clientId);
    assert(previous === undefined || previous.lastIndex < index, 'session indexes must increase');
    let evicted: ClientId | null = null;
    if (previous !== undefined) {
      this.sessions.delete(clientId);
    } else if (this.sessions.size >= this.sessionsMax) {
      evicted = this.sessions.keys().next().value as ClientId;
      this.sessions.delete(evicted);
      this.evictedCountValue++;
    }
    this.sessions.set(clientId, {
      clientId,
      seq: Math.max(seq, previous?.seq ?? 0),
      lastIndex: index,
    });
    assert(this.sessions.size <= this.sessionsMax, 'session table over its limit');
    return evicted;
  }

  /** Every session, least recently applied first (the order a snapshot stores them in). */
  list(): Session[] {
    return [...this.sessions.values()];
  }

  /** Replaces the contents with `sessions`, given least recently applied first. */
  restore(sessions: readonly Session[]): void {
    assert(sessions.length <= this.sessionsMax, 'snapshot holds more sessions than sessionsMax');
    this.sessions.clear();
    let lastIndex = 0;
    for (const session of sessions) {
      assert(session.lastIndex >= lastIndex, 'snapshot sessions must be in applied order');
      lastIndex = session.lastIndex;
      this.sessions.set(session.clientId, session);
    }
  }
}
