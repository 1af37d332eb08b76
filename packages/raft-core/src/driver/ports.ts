// The ports the driver runs against. They live here, with their consumer; adapters implement
// them (persister-memory/sqlite/level, the simulator, the TCP transport) and run the contract
// suites exported from `@kvraft/raft-core/testing`.
import type { LogPosition } from '../log-position.ts';
import type { Message } from '../messages.ts';
import type { Entry, HardState, LogIndex, Snapshot } from '../types.ts';

/** Everything a persister holds, as returned by `load()`. */
export interface PersistedState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  /** The retained log: consecutive entries starting right after the snapshot (or at 1). */
  readonly entries: readonly Entry[];
  /**
   * Set when the store came back without entries this node had acknowledged (a damaged or
   * deleted store): the position its log must reach again, from a leader, before it may vote
   * or campaign. Plain stores never set it; WatermarkedPersister does.
   */
  readonly recovery?: LogPosition;
}

/**
 * One atomic change to persisted state. Applied in this order: `snapshot` (discards every
 * entry at or below its index), `truncateFrom` (discards every entry at or above it), then
 * `entries` (appended; the first must follow the last retained index), then `hardState`.
 */
export interface PersistUpdate {
  readonly hardState?: HardState;
  readonly snapshot?: Snapshot;
  readonly truncateFrom?: LogIndex;
  readonly entries?: readonly Entry[];
}

/**
 * Durable storage for one Raft node. Incremental and atomic: each `save` persists one Ready's
 * changes as a single unit that is durable when the promise resolves, or not at all. Saves may
 * overlap (the driver keeps several Readys in flight): they are applied and resolve in call
 * order, so a save that resolved implies every earlier one is durable.
 */
export interface Persister {
  /** Reads everything persisted; called once at boot, before any save. */
  load(): Promise<PersistedState>;
  /** Applies one update atomically; resolves only once it survives a crash. */
  save(update: PersistUpdate): Promise<void>;
  /** Bytes of persisted Raft state: `hardStateBytes` + `entryBytes` of every retained entry. */
  raftStateSize(): number;
  /** Bytes of the persisted snapshot's data (0 when there is none). */
  snapshotSize(): number;
  /** Releases the store; no call is allowed afterwards. */
  close(): Promise<void>;
}

/** Sends Raft messages; delivery is best-effort (messages may be lost, delayed or reordered). */
export interface Transport {
  /** Hands messages to the network; never throws for an unreachable peer. */
  send(messages: readonly Message[]): void;
}

/** A cancellable timer handle. */
export interface TimerHandle {
  /** Cancels the timer; a no-op if it already fired. */
  cancel(): void;
}

/** Time as the driver sees it: the simulator's virtual clock or the real one. */
export interface Clock {
  /** Milliseconds since an arbitrary fixed origin; never decreases. */
  now(): number;
  /** Runs `callback` once after `delayMs`. */
  setTimer(delayMs: number, callback: () => void): TimerHandle;
}
