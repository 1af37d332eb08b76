// The Persister contract suite: every adapter runs it against its own factory. Expected states
// come from PersistModel, never from the adapter. `load()` is only called once per opened store
// (as the port says), so every state check closes the store and reopens it.
import { afterAll, describe, expect, it } from 'vitest';
import { AssertionError } from '../assert.ts';
import type { Persister, PersistUpdate } from '../driver/ports.ts';
import { createPrng } from '../prng.ts';
import { bootstrapConfig, encodeConfigState } from '../tracker/config.ts';
import type { Entry, EntryKind } from '../types.ts';
import { emptyHardState, hardStateBytes } from '../types.ts';
import { diffPersistedState, PersistModel } from './persist-model.ts';
import { nextSaveUpdate, randomBytes } from './persist-workload.ts';

/** Opens stores for the contract suite: a fresh one, or the same one again after a close. */
export interface PersisterFactory {
  /** Opens a new, empty store. */
  open(): Promise<Persister>;
  /** Opens the store `closed` used, after `closed.close()` resolved (memory: its copy). */
  reopen(closed: Persister): Promise<Persister>;
  /** Releases everything the factory created (temp dirs); called once after the suite. */
  dispose?(): Promise<void>;
}

/** Seed of the random sequence test; override with PERSISTER_CONTRACT_SEED to replay. */
const defaultSeed = 20_240_601;

/** Registers the Persister contract tests for one adapter under `describe(name)`. */
export function persisterContractSuite(name: string, factory: PersisterFactory): void {
  describe(`${name} satisfies the Persister contract`, () => {
    const harness = new ContractHarness(factory);
    registerBasicTests(harness);
    registerTruncationTests(harness);
    registerSnapshotTests(harness);
    registerRejectionTests(harness);
    registerScaleTests(harness);
    afterAll(async () => {
      await factory.dispose?.();
    });
  });
}

/** Tracks one store and the model it must match; `check` reopens the store and compares. */
class ContractHarness {
  constructor(readonly factory: PersisterFactory) {}

  async start(): Promise<{ store: Persister; model: PersistModel }> {
    const store = await this.factory.open();
    await store.load();
    return { store, model: new PersistModel() };
  }

  /** Saves on both, then checks the sizes the live store reports. */
  async save(store: Persister, model: PersistModel, update: PersistUpdate): Promise<void> {
    model.apply(update);
    await store.save(update);
    expect(store.raftStateSize()).toBe(model.raftStateSize);
    expect(store.snapshotSize()).toBe(model.snapshotSize());
  }

  /** Closes, reopens and loads the store; expects the model's state and sizes; returns it open. */
  async check(store: Persister, model: PersistModel): Promise<Persister> {
    await store.close();
    const reopened = await this.factory.reopen(store);
    const loaded = await reopened.load();
    expect(diffPersistedState(loaded, model.state())).toBeNull();
    expect(reopened.raftStateSize()).toBe(model.raftStateSize);
    expect(reopened.snapshotSize()).toBe(model.snapshotSize());
    return reopened;
  }
}

/** Builds `count` consecutive entries from `first`, alternating commands and no-ops. */
export function makeEntries(first: number, count: number, term = 1, bytes = 8): Entry[] {
  return Array.from({ length: count }, (_, i) => {
    const kind: EntryKind = (first + i) % 5 === 0 ? 'noop' : 'command';
    const data =
      kind === 'noop' ? new Uint8Array(0) : new Uint8Array(bytes).fill((first + i) & 0xff);
    return { index: first + i, term, kind, data };
  });
}

function registerBasicTests(h: ContractHarness): void {
  it('loads an empty store as the empty hard state, no snapshot and no entries', async () => {
    const { store, model } = await h.start();
    expect(store.raftStateSize()).toBe(hardStateBytes);
    expect(store.snapshotSize()).toBe(0);
    const reopened = await h.check(store, model);
    expect(model.hardState).toEqual(emptyHardState);
    await reopened.close();
  });

  it('round-trips appended command and no-op entries with kind, term and bytes exact', async () => {
    const { store, model } = await h.start();
    const entries: Entry[] = [
      { index: 1, term: 1, kind: 'noop', data: new Uint8Array(0) },
      { index: 2, term: 1, kind: 'command', data: Uint8Array.of(0, 255, 1, 254) },
      { index: 3, term: 2, kind: 'command', data: new Uint8Array(0) },
    ];
    await h.save(store, model, { entries });
    await h.save(store, model, { entries: makeEntries(4, 10, 3) });
    await (await h.check(store, model)).close();
  });

  it('replaces the hard state alone and leaves the log untouched', async () => {
    const { store, model } = await h.start();
    await h.save(store, model, { entries: makeEntries(1, 3) });
    await h.save(store, model, { hardState: { term: 5, votedFor: 2, commitIndex: 2 } });
    let reopened = await h.check(store, model);
    await h.save(reopened, model, { hardState: { term: 6, votedFor: null, commitIndex: 3 } });
    reopened = await h.check(reopened, model);
    await reopened.close();
  });
}

function registerTruncationTests(h: ContractHarness): void {
  it('discards the suffix from truncateFrom, then appends after the truncation point', async () => {
    const { store, model } = await h.start();
    await h.save(store, model, { entries: makeEntries(1, 10, 1) });
    await h.save(store, model, { truncateFrom: 7 });
    const reopened = await h.check(store, model);
    await h.save(reopened, model, { truncateFrom: 4, entries: makeEntries(4, 5, 2, 100) });
    await h.save(reopened, model, { truncateFrom: 1, entries: makeEntries(1, 2, 3) });
    await (await h.check(reopened, model)).close();
  });

  it('treats a truncateFrom past the last entry as discarding nothing', async () => {
    const { store, model } = await h.start();
    await h.save(store, model, { entries: makeEntries(1, 3) });
    await h.save(store, model, { truncateFrom: 4, entries: makeEntries(4, 1) });
    await (await h.check(store, model)).close();
  });

  it('accepts empty saves as no-ops that change neither state nor sizes', async () => {
    const { store, model } = await h.start();
    await h.save(store, model, {});
    await h.save(store, model, { entries: makeEntries(1, 2) });
    await h.save(store, model, { entries: [] });
    await h.save(store, model, {});
    await (await h.check(store, model)).close();
  });

  it('applies concurrent saves in call order and resolves each one', async () => {
    const { store, model } = await h.start();
    const updates: PersistUpdate[] = [];
    for (let i = 0; i < 20; i++) {
      updates.push({
        entries: makeEntries(i * 3 + 1, 3),
        hardState: { term: i, votedFor: i % 3, commitIndex: i },
      });
    }
    updates.push({ truncateFrom: 50, entries: makeEntries(50, 2, 9) });
    for (const update of updates) model.apply(update);
    await Promise.all(updates.map((update) => store.save(update)));
    expect(store.raftStateSize()).toBe(model.raftStateSize);
    await (await h.check(store, model)).close();
  });
}

function registerSnapshotTests(h: ContractHarness): void {
  it('round-trips config entries and the configuration a snapshot carries', async () => {
    const { store, model } = await h.start();
    const config = bootstrapConfig([1, 2, 3], [{ id: 2, address: 'host-2:7000' }]);
    await h.save(store, model, {
      entries: [
        { index: 1, term: 1, kind: 'noop', data: new Uint8Array(0) },
        { index: 2, term: 1, kind: 'config', data: encodeConfigState(config) },
      ],
    });
    let reopened = await h.check(store, model);
    const snapshot = { index: 2, term: 1, data: Uint8Array.of(1), config };
    await h.save(reopened, model, { snapshot });
    reopened = await h.check(reopened, model);
    // A later snapshot without a configuration must not inherit the earlier one's.
    await h.save(reopened, model, { snapshot: { index: 3, term: 1, data: Uint8Array.of(2) } });
    await (await h.check(reopened, model)).close();
  });

  it('discards the entries a snapshot covers and keeps the rest', async () => {
    const { store, model } = await h.start();
    await h.save(store, model, { entries: makeEntries(1, 10) });
    await h.save(store, model, {
      snapshot: { index: 6, term: 1, data: randomBytes(createPrng(1), 300) },
    });
    const reopened = await h.check(store, model);
    await h.save(reopened, model, { entries: makeEntries(11, 2) });
    await (await h.check(reopened, model)).close();
  });

  it('empties the log for a snapshot beyond its end, and the next entries follow the snapshot', async () => {
    const { store, model } = await h.start();
    await h.save(store, model, { entries: makeEntries(1, 5) });
    await h.save(store, model, { snapshot: { index: 20, term: 3, data: Uint8Array.of(7, 7) } });
    const reopened = await h.check(store, model);
    expect(model.entries).toHaveLength(0);
    await h.save(reopened, model, { entries: makeEntries(21, 3, 3) });
    await (await h.check(reopened, model)).close();
  });

  it('applies snapshot, truncateFrom, entries and hard state of one save in that order', async () => {
    const { store, model } = await h.start();
    await h.save(store, model, { entries: makeEntries(1, 10, 1) });
    await h.save(store, model, {
      snapshot: { index: 4, term: 1, data: Uint8Array.of(1) },
      truncateFrom: 6,
      entries: makeEntries(6, 4, 2),
      hardState: { term: 2, votedFor: 1, commitIndex: 4 },
    });
    await h.save(store, model, { snapshot: { index: 9, term: 2, data: new Uint8Array(0) } });
    await (await h.check(store, model)).close();
  });

  it('replaces a snapshot with a newer one and reports the new data size', async () => {
    const { store, model } = await h.start();
    await h.save(store, model, { snapshot: { index: 3, term: 1, data: new Uint8Array(1000) } });
    await h.save(store, model, { snapshot: { index: 3, term: 1, data: new Uint8Array(10) } });
    await h.save(store, model, { snapshot: { index: 8, term: 2, data: new Uint8Array(2000) } });
    await (await h.check(store, model)).close();
  });
}

function registerRejectionTests(h: ContractHarness): void {
  const rejected: Array<[string, PersistUpdate]> = [
    [
      'a snapshot older than the persisted one',
      { snapshot: { index: 4, term: 1, data: new Uint8Array(0) } },
    ],
    ['a truncateFrom at the snapshot index', { truncateFrom: 5 }],
    ['a truncateFrom below the snapshot index', { truncateFrom: 2 }],
    ['entries leaving a gap after the last index', { entries: makeEntries(9, 1) }],
    ['entries overlapping the last index without truncation', { entries: makeEntries(7, 1) }],
    ['non-consecutive entries', { entries: [...makeEntries(8, 1), ...makeEntries(10, 1)] }],
    [
      'entries below the snapshot after a truncation',
      { truncateFrom: 6, entries: makeEntries(5, 1) },
    ],
  ];
  it.each(
    rejected,
  )('rejects %s with an AssertionError and leaves the store unchanged', async (_, update) => {
    const { store, model } = await h.start();
    await h.save(store, model, { entries: makeEntries(1, 7) });
    await h.save(store, model, { snapshot: { index: 5, term: 1, data: Uint8Array.of(5) } });
    await expect(store.save(update)).rejects.toBeInstanceOf(AssertionError);
    await h.save(store, model, { hardState: { term: 2, votedFor: null, commitIndex: 5 } });
    await (await h.check(store, model)).close();
  });
}

function registerScaleTests(h: ContractHarness): void {
  it('round-trips an 8 MiB entry and an 8 MiB snapshot with exact sizes', async () => {
    const { store, model } = await h.start();
    const big = randomBytes(createPrng(8), 8 * 1024 * 1024);
    await h.save(store, model, { entries: [{ index: 1, term: 1, kind: 'command', data: big }] });
    await h.save(store, model, { entries: makeEntries(2, 2) });
    const reopened = await h.check(store, model);
    await h.save(reopened, model, { snapshot: { index: 2, term: 1, data: big } });
    await (await h.check(reopened, model)).close();
  });

  it('keeps 10,000 small entries from 100 saves and reports their exact size', async () => {
    const { store, model } = await h.start();
    for (let i = 0; i < 100; i++)
      await h.save(store, model, { entries: makeEntries(i * 100 + 1, 100, 1, 16) });
    const reopened = await h.check(store, model);
    await h.save(reopened, model, { snapshot: { index: 9_990, term: 1, data: new Uint8Array(1) } });
    await (await h.check(reopened, model)).close();
  });

  it('matches the reference model over a seeded random save sequence with reopens', async () => {
    const { PERSISTER_CONTRACT_SEED } = process.env;
    const seed = Number(PERSISTER_CONTRACT_SEED ?? defaultSeed);
    const prng = createPrng(seed);
    let { store, model } = await h.start();
    try {
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 60; i++)
          await h.save(store, model, nextSaveUpdate(prng, model, { largeEntryBytes: 4096 }));
        store = await h.check(store, model);
      }
    } catch (error) {
      throw new Error(`seed ${seed} (replay: PERSISTER_CONTRACT_SEED=${seed}): ${String(error)}`, {
        cause: error,
      });
    }
    await store.close();
  });
}
