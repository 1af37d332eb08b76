// Goal: SqlitePersister satisfies the Persister contract and refuses unsafe opens.
// Method: the shared contract suite on temp dirs; a real child process for the lock; a store
// with a foreign schema version.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeEntries, persisterContractSuite } from '@kvraft/raft-core/testing';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  openSqlitePersister,
  PersisterLockedError,
  PersisterSchemaError,
  type SqlitePersister,
  sqliteFileName,
} from '../src/index.ts';

const root = mkdtempSync(join(tmpdir(), 'kvraft-sqlite-'));
let storeCount = 0;
const freshDir = (): string => join(root, `store-${storeCount++}`);

persisterContractSuite('SqlitePersister', {
  open: () => openSqlitePersister({ dir: freshDir() }),
  reopen: (closed) => openSqlitePersister({ path: (closed as SqlitePersister).path }),
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('SqlitePersister open', () => {
  it('refuses a second open of the same store in this process with PersisterLockedError', async () => {
    const dir = freshDir();
    const store = await openSqlitePersister({ dir });
    await expect(openSqlitePersister({ dir })).rejects.toBeInstanceOf(PersisterLockedError);
    await store.close();
    const again = await openSqlitePersister({ dir });
    await again.close();
  });

  it('refuses a second process while the store is open, and admits it after close', async () => {
    const dir = freshDir();
    const store = await openSqlitePersister({ dir });
    await store.save({ entries: makeEntries(1, 2) });
    const script = `import { openSqlitePersister } from '@kvraft/persister-sqlite';
      try { const s = await openSqlitePersister({ dir: ${JSON.stringify(dir)} });
        console.log('opened', (await s.load()).entries.length); await s.close(); }
      catch (e) { console.log(e.name); }`;
    const child = (): string =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', '--conditions=@kvraft/source', '--input-type=module', '-e', script],
        {
          cwd: join(import.meta.dirname, '..'),
          encoding: 'utf8',
          timeout: 30_000,
        },
      ).stdout.trim();
    expect(child()).toBe('PersisterLockedError');
    await store.close();
    expect(child()).toBe('opened 2');
  });

  it('refuses a store written with another schema version', async () => {
    const dir = freshDir();
    await (await openSqlitePersister({ dir })).close();
    const db = new Database(join(dir, sqliteFileName));
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    await expect(openSqlitePersister({ dir })).rejects.toBeInstanceOf(PersisterSchemaError);
  });
});
