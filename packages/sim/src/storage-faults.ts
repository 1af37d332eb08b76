// Storage faults: what a real store can hand back after a crash, applied to a stopped simulated
// node's crash copy. Real persisters lose their tail (LevelDB replays a truncated log to where it
// ends, SQLite stops replaying its WAL at the first damaged frame), carry a flipped record (every
// record is CRC-checked, so the damage is found at open and the store must be rebuilt: here it
// comes back empty, like a deleted store), or lose the record of term and vote. A node that boots
// on such a store and trusts it can vote for a candidate missing entries it helped commit, or vote
// twice in one term (Alagappan et al., "Protocol-Aware Recovery for Consensus-Based Storage",
// FAST 2018). Deterministic: the fault is drawn by the caller from the seed.
import { MemoryPersister } from '@kvraft/persister-memory';
import {
  emptyHardState,
  type LogPosition,
  lastLogPosition,
  type PersistedState,
} from '@kvraft/raft-core';

/** The storage fault kinds the simulator can inflict. */
export const storageFaultKinds = ['tail', 'wipe', 'hard-state'] as const;

/** One kind of storage fault. */
export type StorageFaultKind = (typeof storageFaultKinds)[number];

/**
 * A storage fault on a stopped node's store: `tail` loses its last `count` entries, `wipe` is a
 * flipped record found at open (the store is rebuilt empty), `hard-state` forgets term and vote.
 */
export type StorageFault =
  | { readonly kind: 'tail'; readonly count: number }
  | { readonly kind: 'wipe' }
  | { readonly kind: 'hard-state' };

/** What damaging a store did. */
export interface StorageDamage {
  /** The damaged store, holding what the node will find at its next boot. */
  readonly store: MemoryPersister;
  /** The last log position before the damage (what the node had acknowledged at most). */
  readonly before: LogPosition;
  /** Whether the store lost log entries (tail or wipe with a non-empty log). */
  readonly lostEntries: boolean;
  /** One phrase saying what was damaged, for logs and failure messages. */
  readonly detail: string;
}

/** One phrase naming a fault, e.g. `tail-3`. */
export function describeStorageFault(fault: StorageFault): string {
  return fault.kind === 'tail' ? `tail-${fault.count}` : fault.kind;
}

/** Returns a new store holding `saved`'s durable state with `fault` applied (`saved` is untouched). */
export async function damageStore(
  saved: MemoryPersister,
  fault: StorageFault,
): Promise<StorageDamage> {
  const state = await saved.load();
  const before = lastLogPosition(state.snapshot, state.entries);
  const damaged = applyFault(state, fault);
  const after = lastLogPosition(damaged.snapshot, damaged.entries);
  const store = new MemoryPersister();
  await store.save({
    hardState: damaged.hardState,
    ...(damaged.snapshot === null ? {} : { snapshot: damaged.snapshot }),
    entries: damaged.entries,
  });
  const lostEntries = after.index < before.index;
  const detail = `${describeStorageFault(fault)}: log end ${before.index}→${after.index}, term ${state.hardState.term}→${damaged.hardState.term}, vote ${state.hardState.votedFor}→${damaged.hardState.votedFor}`;
  return { store, before, lostEntries, detail };
}

function applyFault(state: PersistedState, fault: StorageFault): PersistedState {
  const { hardState, snapshot, entries } = state;
  switch (fault.kind) {
    case 'wipe':
      return { hardState: emptyHardState, snapshot: null, entries: [] };
    case 'tail': {
      const kept = entries.slice(0, Math.max(0, entries.length - fault.count));
      const last = lastLogPosition(snapshot, kept);
      // A rolled-back store's commit index cannot name entries it no longer holds.
      const commitIndex = Math.min(hardState.commitIndex, last.index);
      return { hardState: { ...hardState, commitIndex }, snapshot, entries: kept };
    }
    case 'hard-state': {
      // The term falls back to what the log itself proves (its last entry's term), the vote is
      // gone and the commit index restarts from the snapshot: what a lost hard-state record leaves.
      const last = lastLogPosition(snapshot, entries);
      return {
        hardState: { term: last.term, votedFor: null, commitIndex: snapshot?.index ?? 0 },
        snapshot,
        entries,
      };
    }
  }
}
