// The ack watermark: what a node had made durable when it last acknowledged anything (its term,
// its vote, the last position of its log), kept outside the store itself. A store can come back
// shorter than it was without noticing (SQLite stops replaying its WAL at the first damaged
// frame, LevelDB replays a truncated log to where it ends, a deleted store reopens empty), and
// a node that trusts it could vote for a candidate missing entries it helped commit
// (Alagappan et al., "Protocol-Aware Recovery for Consensus-Based Storage", FAST 2018).
// Comparing the store with the watermark at open turns that silent rollback into a known loss.
import { assert } from '../assert.ts';
import type { PersistedState } from '../driver/ports.ts';
import {
  compareLogPositions,
  formatLogPosition,
  type LogPosition,
  lastLogPosition,
  laterLogPosition,
} from '../log-position.ts';
import type { NodeId, Term } from '../types.ts';

/** What a node had durably acknowledged, as the watermark records it. */
export interface AckWatermark {
  readonly term: Term;
  readonly votedFor: NodeId | null;
  /** The last position of the log after the newest durable save. */
  readonly last: LogPosition;
  /** While recovering: the position the log must reach again before the node votes; else null. */
  readonly floor: LogPosition | null;
}

/**
 * Where the watermark lives: a small file beside the store (the server's), or memory that
 * survives a simulated store's damage (the simulator's). Writes never overlap.
 */
export interface WatermarkStore {
  /** Returns the newest durable watermark, or null when none was ever written. */
  read(): Promise<AckWatermark | null>;
  /** Makes `watermark` durable; a crash during the write leaves the previous one readable. */
  write(watermark: AckWatermark): Promise<void>;
  /** Releases the store. */
  close(): Promise<void>;
}

/** What opening a store against its watermark found. */
export interface StoreAssessment {
  /** The state to boot from: the store's, with a lost term or vote restored and `recovery` set. */
  readonly state: PersistedState;
  /** The watermark that describes `state` (what the node now stands on). */
  readonly watermark: AckWatermark;
  /** What the store lost, one phrase each; empty when it lost nothing. */
  readonly losses: readonly string[];
}

/** Describes a store's state as a watermark with no floor. */
export function watermarkOf(state: PersistedState): AckWatermark {
  return {
    term: state.hardState.term,
    votedFor: state.hardState.votedFor,
    last: lastLogPosition(state.snapshot, state.entries),
    floor: state.recovery ?? null,
  };
}

/**
 * Compares a loaded store with its watermark. A store may legitimately be one save ahead of the
 * watermark (a crash between the two writes), never behind: a lower term, a forgotten vote or a
 * log that ends earlier in log order (Raft §5.4.1) is a loss. A lost term or vote is restored
 * from the watermark; lost entries set a floor the node must catch up to before it votes.
 */
export function assessStore(
  state: PersistedState,
  watermark: AckWatermark | null,
): StoreAssessment {
  if (watermark === null) return { state, watermark: watermarkOf(state), losses: [] };
  const losses: string[] = [];
  const hardState = restoredHardState(state, watermark, losses);
  const last = lastLogPosition(state.snapshot, state.entries);
  let floor = watermark.floor;
  if (compareLogPositions(last, watermark.last) < 0) {
    losses.push(
      `its log ends at ${formatLogPosition(last)}, but ${formatLogPosition(watermark.last)} was acknowledged`,
    );
    floor = floor === null ? watermark.last : laterLogPosition(floor, watermark.last);
  }
  if (floor !== null && compareLogPositions(last, floor) >= 0) floor = null;
  const restored: PersistedState = {
    hardState,
    snapshot: state.snapshot,
    entries: state.entries,
    ...(floor === null ? {} : { recovery: floor }),
  };
  return { state: restored, watermark: watermarkOf(restored), losses };
}

function restoredHardState(
  state: PersistedState,
  watermark: AckWatermark,
  losses: string[],
): PersistedState['hardState'] {
  const stored = state.hardState;
  if (stored.term < watermark.term) {
    losses.push(`its term is ${stored.term}, but term ${watermark.term} was reached`);
    return { ...stored, term: watermark.term, votedFor: watermark.votedFor };
  }
  if (stored.term > watermark.term || watermark.votedFor === null) return stored;
  if (stored.votedFor === watermark.votedFor) return stored;
  // Two different votes in one term cannot both have been cast by this node.
  assert(
    stored.votedFor === null,
    `store voted for ${stored.votedFor} in term ${stored.term}, watermark for ${watermark.votedFor}`,
  );
  losses.push(`it forgot its vote for ${watermark.votedFor} in term ${watermark.term}`);
  return { ...stored, votedFor: watermark.votedFor };
}
