// Goal: every refused open says which file and why, in a short message, where classic-level
// itself says only "Database failed to open": a deleted MANIFEST, a deleted CURRENT (which
// LevelDB would otherwise answer by starting an empty store over the old files), a LOCK held by
// another open, a file where the store's directory should be. Method: real stores written,
// closed and damaged in a temp dir.
import { mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeEntries } from '@kvraft/raft-core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  openLevelPersister,
  PersisterCorruptionError,
  PersisterLockedError,
} from '../src/index.ts';

const root = mkdtempSync(join(tmpdir(), 'kvraft-level-open-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes a closed store holding three entries; returns its dir. */
async function writtenStore(name: string): Promise<string> {
  const dir = join(root, name);
  const store = await openLevelPersister({ dir });
  await store.save({ entries: makeEntries(1, 3) });
  await store.close();
  return dir;
}

describe('LevelPersister refuses to open, naming the file and the cause', () => {
  it('a store whose MANIFEST was deleted', async () => {
    const dir = await writtenStore('no-manifest');
    const manifest = readdirSync(dir).find((name) => name.startsWith('MANIFEST-'))!;
    unlinkSync(join(dir, manifest));
    const opening = openLevelPersister({ dir });
    await expect(opening).rejects.toBeInstanceOf(PersisterCorruptionError);
    await expect(opening).rejects.toThrow(
      `corrupted file in store ${dir}: LevelDB reports IO error: ${join(dir, manifest)}: No such file or directory; refusing to open`,
    );
  });

  it('a store whose CURRENT was deleted, instead of starting empty over its files', async () => {
    const dir = await writtenStore('no-current');
    unlinkSync(join(dir, 'CURRENT'));
    const opening = openLevelPersister({ dir });
    await expect(opening).rejects.toBeInstanceOf(PersisterCorruptionError);
    await expect(opening).rejects.toThrow(
      new RegExp(
        `^corrupted file in store ${dir}: ${join(dir, 'CURRENT')} is missing though the store holds .*MANIFEST-\\d+.* \\(LevelDB would start an empty store over them\\); refusing to open$`,
      ),
    );
    // Refused, not repaired: the old files are still there for whoever investigates.
    expect(readdirSync(dir).some((name) => name.startsWith('MANIFEST-'))).toBe(true);
  });

  it('a store whose LOCK another open holds', async () => {
    const dir = await writtenStore('locked');
    const holder = await openLevelPersister({ dir });
    try {
      const opening = openLevelPersister({ dir });
      await expect(opening).rejects.toBeInstanceOf(PersisterLockedError);
      await expect(opening).rejects.toThrow(
        `store ${dir} is locked by another process or instance`,
      );
    } finally {
      await holder.close();
    }
  });

  it('a file where the store’s directory should be', async () => {
    const dir = join(root, 'a-file');
    writeFileSync(dir, 'not a directory');
    await expect(openLevelPersister({ dir })).rejects.toThrow(
      `cannot open LevelDB store ${dir}: it (or a parent) is a file, not a directory`,
    );
  });

  it('still opens a store that never finished its first open (MANIFEST-000001, no CURRENT)', async () => {
    const dir = join(root, 'half-created');
    const store = await openLevelPersister({ dir });
    await store.close();
    for (const name of readdirSync(dir)) if (name !== 'LOG') unlinkSync(join(dir, name));
    writeFileSync(join(dir, 'MANIFEST-000001'), '');
    const again = await openLevelPersister({ dir });
    expect((await again.load()).entries).toEqual([]);
    await again.close();
  });
});
