// The process-lock suite: a durable store must refuse a second process while it is open (two
// writers would corrupt the log) and admit one after close. It uses the same child module as the
// crash suite: a module exporting `openPersister(dir)`, run in a real child process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Persister } from '../driver/ports.ts';
import { makeEntries } from './persister-contract.ts';

/** Options of lockSuite. */
export interface LockSuiteOptions {
  /** Opens the adapter's store in `dir` in this process. */
  readonly open: (dir: string) => Promise<Persister>;
  /** Absolute path of a module exporting `openPersister(dir: string): Promise<Persister>`. */
  readonly childModule: string;
  /** The error name a refused open must throw (default PersisterLockedError). */
  readonly lockedErrorName?: string;
}

/** Registers the process-lock tests for one adapter under `describe(name)`. */
export function lockSuite(name: string, options: LockSuiteOptions): void {
  const root = mkdtempSync(join(tmpdir(), 'kvraft-lock-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  describe(`${name} holds a process lock`, () => {
    it('refuses a second process while the store is open, and admits it after close', async () => {
      const dir = join(root, 'store');
      const store = await options.open(dir);
      await store.save({ entries: makeEntries(1, 2) });
      expect(openInChild(options.childModule, dir)).toBe(
        options.lockedErrorName ?? 'PersisterLockedError',
      );
      await store.close();
      expect(openInChild(options.childModule, dir)).toBe('opened 2');
    });
  });
}

/** Opens the store in a child process; returns `opened N` (entries loaded) or the error name. */
function openInChild(childModule: string, dir: string): string {
  const script = `import { openPersister } from ${JSON.stringify(childModule)};
    try { const s = await openPersister(${JSON.stringify(dir)});
      console.log('opened', (await s.load()).entries.length); await s.close(); }
    catch (e) { console.log(e.name); }`;
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=@kvraft/source', '--input-type=module', '-e', script],
    { cwd: dirname(childModule), encoding: 'utf8', timeout: 30_000 },
  );
  return child.stdout.trim();
}
