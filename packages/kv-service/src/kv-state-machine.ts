// The KV state machine: a string map with Get/Put/Append ("" for a missing key) and client
// sessions for exactly-once writes. Pure and deterministic: equal logs give equal states on every
// replica. It never does I/O, reads a clock or draws random numbers.
// Invariant: commands and no-ops are applied at appliedIndex + 1, one index at a time.
import { assert, type LogIndex } from '@kvraft/raft-core';
import { utf8Bytes } from './byte-codec.ts';
import type { Command } from './command-codec.ts';
import { type ClientReply, protocolLimitsDefault } from './protocol.ts';
import { SessionTable } from './session-table.ts';
import { type DecodeSnapshotResult, decodeSnapshot, encodeSnapshot } from './snapshot-codec.ts';

/** Options of the state machine. */
export interface KvStateMachineOptions {
  /** Sessions kept at most; the least recently applied is evicted beyond it. */
  readonly sessionsMax: number;
  /**
   * Largest value an append may leave behind, in UTF-8 bytes (default: the protocol's value
   * limit). Every replica must use the same figure, since it decides what the log applies.
   */
  readonly valueBytesMax?: number;
  /** TEST ONLY: apply duplicate and stale writes again (a deliberate bug for checker tests). */
  readonly skipDuplicateDetection?: boolean;
  /** TEST ONLY: snapshots hold no sessions (a deliberate bug: exactly-once is lost on restore). */
  readonly snapshotWithoutSessions?: boolean;
}

/** The replicated key/value state and its sessions. */
export class KvStateMachine {
  private readonly data = new Map<string, string>();
  private readonly sessions: SessionTable;
  private readonly skipDuplicateDetection: boolean;
  private readonly snapshotWithoutSessions: boolean;
  private readonly valueBytesMax: number;
  private appliedIndexValue: LogIndex = 0;

  /** An empty state at index 0. */
  constructor(options: KvStateMachineOptions) {
    this.sessions = new SessionTable(options.sessionsMax);
    this.skipDuplicateDetection = options.skipDuplicateDetection ?? false;
    this.snapshotWithoutSessions = options.snapshotWithoutSessions ?? false;
    this.valueBytesMax = options.valueBytesMax ?? protocolLimitsDefault.valueBytesMax;
  }

  /** The last log index this state reflects. */
  get appliedIndex(): LogIndex {
    return this.appliedIndexValue;
  }

  /** The number of keys held. */
  get keyCount(): number {
    return this.data.size;
  }

  /** The number of sessions held. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** The session table (read-only use: inspection and tests). */
  get sessionTable(): SessionTable {
    return this.sessions;
  }

  /** The value of `key`, "" when missing. */
  read(key: string): string {
    return this.data.get(key) ?? '';
  }

  /**
   * The reply to a Get of `key`: its value ("" when missing, the store's semantics) and whether
   * the key exists, so a client can tell a missing key from an empty value.
   */
  readReply(key: string): ClientReply {
    const value = this.data.get(key);
    return { ok: true, value: value ?? '', found: value !== undefined };
  }

  /** Applies a no-op entry (a new leader's): only the index moves. */
  applyNoop(index: LogIndex): void {
    this.advance(index);
  }

  /**
   * Applies `command` at `index` and returns the reply for its proposer. Writes follow the
   * session rules: seq above the session's applies; equal is a duplicate (ok, not applied);
   * below is stale (BadRequest, not applied); no session and seq > 1 means the session was
   * evicted or never created (SessionExpired, not applied). An append whose result would
   * exceed `valueBytesMax` is refused (BadRequest) and, like a stale write, not recorded in
   * the session, so a retry of it is judged again rather than answered as a duplicate.
   */
  apply(index: LogIndex, command: Command): ClientReply {
    this.advance(index);
    if (command.kind === 'get') return this.readReply(command.key);
    const session = this.sessions.get(command.clientId);
    if (!this.skipDuplicateDetection) {
      if (session === undefined && command.seq > 1) {
        return {
          ok: false,
          error: 'SessionExpired',
          message: `no session for ${command.clientId}`,
        };
      }
      if (session !== undefined && command.seq === session.seq) return { ok: true };
      if (session !== undefined && command.seq < session.seq) {
        return { ok: false, error: 'BadRequest', message: `stale seq ${command.seq}` };
      }
    }
    const value = command.kind === 'put' ? command.value : this.read(command.key) + command.value;
    if (command.kind === 'append' && this.exceedsValueLimit(value)) {
      const message = `append would grow '${command.key}' past ${this.valueBytesMax} bytes`;
      return { ok: false, error: 'BadRequest', message };
    }
    this.data.set(command.key, value);
    this.sessions.record(command.clientId, command.seq, index);
    return { ok: true };
  }

  /** Encodes the map and sessions as a versioned, checksummed snapshot at `appliedIndex`. */
  snapshot(): Uint8Array {
    return encodeSnapshot({
      appliedIndex: this.appliedIndexValue,
      entries: [...this.data.entries()],
      sessions: this.snapshotWithoutSessions ? [] : this.sessions.list(),
    });
  }

  /** Replaces the whole state with a snapshot taken at `index`; refuses bad or mismatched bytes. */
  restore(index: LogIndex, bytes: Uint8Array): { ok: true } | { ok: false; error: string } {
    const decoded: DecodeSnapshotResult = decodeSnapshot(bytes);
    if (!decoded.ok) return decoded;
    const { snapshot } = decoded;
    if (snapshot.appliedIndex !== index) {
      return { ok: false, error: `snapshot covers ${snapshot.appliedIndex}, Raft says ${index}` };
    }
    if (snapshot.sessions.length > this.sessions.sessionsMax) {
      return { ok: false, error: 'snapshot holds more sessions than sessionsMax' };
    }
    this.data.clear();
    for (const [key, value] of snapshot.entries) this.data.set(key, value);
    this.sessions.restore(snapshot.sessions);
    this.appliedIndexValue = index;
    return { ok: true };
  }

  // UTF-8 needs at most 3 bytes per UTF-16 unit, so short values skip the encoding.
  private exceedsValueLimit(value: string): boolean {
    return value.length * 3 > this.valueBytesMax && utf8Bytes(value) > this.valueBytesMax;
  }

  private advance(index: LogIndex): void {
    assert(
      index === this.appliedIndexValue + 1,
      `applied ${index} after ${this.appliedIndexValue}`,
    );
    this.appliedIndexValue = index;
  }
}
