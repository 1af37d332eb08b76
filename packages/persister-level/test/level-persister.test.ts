import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrng } from '@kvraft/raft-core';
import {
  lockSuite,
  makeEntries,
  persisterContractSuite,
  randomBytes,
} from '@kvraft/raft-core/testing';
import { ClassicLevel } from 'classic-level';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type LevelPersister,
  openLevelPersister,
  PersisterLockedError,
  PersisterSchemaError,
} from '../src/index.ts';

const root = mkdtempSync(join(tmpdir(), 'kvraft-level-'));
let storeCount = 0;
const freshDir = (): string => join(root, `store-${storeCount++}`);

persisterContractSuite('LevelPersister', {
  open: () => openLevelPersister({ dir: freshDir() }),
  reopen: (closed) => openLevelPersister({ dir: (closed as LevelPersister).dir }),
});

lockSuite('LevelPersister', {
  open: (dir) => openLevelPersister({ dir }),
  childModule: join(import.meta.dirname, 'fixtures/crash-child-level.ts'),
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const dirBytes = (dir: string): number =>
  readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);

describe('LevelPersister open and space', () => {
  it('refuses a second open of the same store in this process with PersisterLockedError', async () => {
    const dir = freshDir();
    const store = await openLevelPersister({ dir });
    await expect(openLevelPersister({ dir })).rejects.toBeInstanceOf(PersisterLockedError);
    await store.close();
    await (await openLevelPersister({ dir })).close();
  });

  it('refuses a store written with another schema version', async () => {
    const dir = freshDir();
    await (await openLevelPersister({ dir })).close();
    const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, {
      keyEncoding: 'view',
      valueEncoding: 'view',
    });
    await db.put(Uint8Array.of(1), new TextEncoder().encode('99'));
    await db.close();
    await expect(openLevelPersister({ dir })).rejects.toBeInstanceOf(PersisterSchemaError);
  });

  it('frees the space of a large discarded prefix after a snapshot', async () => {
    const dir = freshDir();
    const store = await openLevelPersister({ dir, compactEntriesMin: 1000 });
    const prng = createPrng(7);
    for (let i = 0; i < 20; i++) {
      const entries = makeEntries(i * 500 + 1, 500).map((e) => ({
        ...e,
        data: randomBytes(prng, 1000),
      }));
      await store.save({ entries });
    }
    await store.close();
    const reopened = await openLevelPersister({ dir, compactEntriesMin: 1000 });
    await reopened.load();
    const before = dirBytes(dir);
    await reopened.save({ snapshot: { index: 10_000, term: 1, data: new Uint8Array(10) } });
    await reopened.close();
    expect(before).toBeGreaterThan(8_000_000);
    expect(dirBytes(dir)).toBeLessThan(before / 4);
  });
});
