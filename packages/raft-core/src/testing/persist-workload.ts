// Seeded random save sequences for the crash, differential and random contract tests. An update
// depends only on the PRNG stream and the model's current state, so a parent process can
// regenerate exactly what a child issued from the seed and the state it started from.
// Invariant: every generated update is valid for the model it was generated from.
import type { PersistUpdate } from '../driver/ports.ts';
import type { Prng } from '../prng.ts';
import type { Entry, HardState } from '../types.ts';
import type { PersistModel } from './persist-model.ts';

/** Size limits of generated updates; every field has a default. */
export interface SaveWorkloadOptions {
  /** Most entries appended by one update. */
  readonly entriesPerSaveMax?: number;
  /** Most data bytes of an ordinary entry. */
  readonly entryBytesMax?: number;
  /** Data bytes of the occasional large entry (1 in 64 entries). */
  readonly largeEntryBytes?: number;
  /** Retained entries above which the next update always takes a snapshot. */
  readonly retainedEntriesMax?: number;
  /** Most bytes of snapshot data. */
  readonly snapshotBytesMax?: number;
}

const defaults: Required<SaveWorkloadOptions> = {
  entriesPerSaveMax: 16,
  entryBytesMax: 512,
  largeEntryBytes: 64 * 1024,
  retainedEntriesMax: 256,
  snapshotBytesMax: 4096,
};

/** Draws the next valid update for `model` from `prng`; does not apply it. */
export function nextSaveUpdate(
  prng: Prng,
  model: PersistModel,
  options: SaveWorkloadOptions = {},
): PersistUpdate {
  const limits = { ...defaults, ...options };
  const retained = model.entries.length;
  const roll = retained > limits.retainedEntriesMax ? 80 : prng.nextInt(100);
  const last = model.lastIndex();
  if (roll < 4) return {};
  if (roll < 14) return { hardState: nextHardState(prng, model) };
  if (roll < 60) {
    const entries = randomEntries(prng, model, last + 1, limits);
    return prng.nextInt(2) === 0 ? { entries } : { entries, hardState: nextHardState(prng, model) };
  }
  if (roll < 78 && retained > 0) {
    const truncateFrom = model.snapshotIndex() + 1 + prng.nextInt(retained);
    const entries = randomEntries(prng, model, truncateFrom, limits);
    return { truncateFrom, entries, hardState: nextHardState(prng, model) };
  }
  // A snapshot, sometimes beyond the end of the log (as InstallSnapshot does).
  const snapshotIndex = Math.max(model.snapshotIndex(), last - prng.nextInt(8) + prng.nextInt(4));
  const snapshot = {
    index: snapshotIndex,
    term: model.hardState.term,
    data: randomBytes(prng, prng.nextInt(limits.snapshotBytesMax + 1)),
  };
  if (prng.nextInt(2) === 0) return { snapshot };
  const base = Math.max(snapshotIndex, last);
  return { snapshot, entries: randomEntries(prng, model, base + 1, limits) };
}

function nextHardState(prng: Prng, model: PersistModel): HardState {
  const current = model.hardState;
  const term = current.term + (prng.nextInt(4) === 0 ? 1 : 0);
  const votedFor = prng.nextInt(3) === 0 ? null : prng.nextInt(5);
  return { term, votedFor, commitIndex: current.commitIndex + prng.nextInt(3) };
}

function randomEntries(
  prng: Prng,
  model: PersistModel,
  firstIndex: number,
  limits: Required<SaveWorkloadOptions>,
): Entry[] {
  const count = 1 + prng.nextInt(limits.entriesPerSaveMax);
  const term = model.hardState.term;
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (prng.nextInt(10) === 0) {
      entries.push({ index: firstIndex + i, term, kind: 'noop', data: new Uint8Array(0) });
      continue;
    }
    const large = prng.nextInt(64) === 0;
    const length = large ? limits.largeEntryBytes : prng.nextInt(limits.entryBytesMax + 1);
    entries.push({ index: firstIndex + i, term, kind: 'command', data: randomBytes(prng, length) });
  }
  return entries;
}

/** Returns `length` bytes drawn from `prng`. */
export function randomBytes(prng: Prng, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 4) {
    const word = prng.nextUint32();
    bytes[i] = word & 0xff;
    if (i + 1 < length) bytes[i + 1] = (word >>> 8) & 0xff;
    if (i + 2 < length) bytes[i + 2] = (word >>> 16) & 0xff;
    if (i + 3 < length) bytes[i + 3] = word >>> 24;
  }
  return bytes;
}
