// Goal: memory, SQLite and LevelDB load the same state after the same saves.
// Method: one seeded random save sequence (with large entries, truncations and snapshots) is
// applied to all three, with reopens; loaded states and sizes must agree with each other and
// with the reference model. Prints the seed on failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLevelPersister } from '@kvraft/persister-level';
import { MemoryPersister } from '@kvraft/persister-memory';
import { createPrng, type PersistedState, type Persister } from '@kvraft/raft-core';
import { diffPersistedState, nextSaveUpdate, PersistModel } from '@kvraft/raft-core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlitePersister } from '../src/index.ts';

const root = mkdtempSync(join(tmpdir(), 'kvraft-diff-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Subject {
  readonly name: string;
  store: Persister;
  reopen(closed: Persister): Promise<Persister>;
}

describe('memory, SQLite and LevelDB persisters', () => {
  it.each([
    11, 22, 33,
  ])('load identical states after the same random saves (seed %i)', async (seed) => {
    const subjects: Subject[] = [
      {
        name: 'memory',
        store: new MemoryPersister(),
        reopen: async (p) => (p as MemoryPersister).copy(),
      },
      {
        name: 'sqlite',
        store: await openSqlitePersister({ dir: join(root, `sqlite-${seed}`) }),
        reopen: () => openSqlitePersister({ dir: join(root, `sqlite-${seed}`) }),
      },
      {
        name: 'level',
        store: await openLevelPersister({ dir: join(root, `level-${seed}`) }),
        reopen: () => openLevelPersister({ dir: join(root, `level-${seed}`) }),
      },
    ];
    const prng = createPrng(seed);
    const model = new PersistModel();
    for (const subject of subjects) await subject.store.load();
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 80; i++) {
        const update = nextSaveUpdate(prng, model, { largeEntryBytes: 256 * 1024 });
        model.apply(update);
        await Promise.all(subjects.map((s) => s.store.save(update)));
      }
      const loaded: PersistedState[] = [];
      for (const subject of subjects) {
        await subject.store.close();
        subject.store = await subject.reopen(subject.store);
        loaded.push(await subject.store.load());
        const sizes = [subject.store.raftStateSize(), subject.store.snapshotSize()];
        expect(sizes, `${subject.name}, seed ${seed}`).toEqual([
          model.raftStateSize,
          model.snapshotSize(),
        ]);
      }
      loaded.forEach((state, i) => {
        expect(
          diffPersistedState(state, model.state()),
          `${subjects[i]!.name}, seed ${seed}`,
        ).toBeNull();
      });
    }
    for (const subject of subjects) await subject.store.close();
  });
});
