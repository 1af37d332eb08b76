import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockSuite, persisterContractSuite } from '@kvraft/raft-core/testing';
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

lockSuite('SqlitePersister', {
  open: (dir) => openSqlitePersister({ dir }),
  childModule: join(import.meta.dirname, 'fixtures/crash-child-sqlite.ts'),
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

  it('refuses a store written with another schema version', async () => {
    const dir = freshDir();
    await (await openSqlitePersister({ dir })).close();
    const db = new Database(join(dir, sqliteFileName));
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    await expect(openSqlitePersister({ dir })).rejects.toBeInstanceOf(PersisterSchemaError);
  });

  it('upgrades a version 1 store (no snapshot configuration) in place and keeps its snapshot', async () => {
    const dir = freshDir();
    const store = await openSqlitePersister({ dir });
    await store.load();
    await store.save({ snapshot: { index: 4, term: 2, data: Uint8Array.of(1, 2) } });
    await store.close();
    const db = new Database(join(dir, sqliteFileName));
    db.exec("ALTER TABLE snapshot DROP COLUMN config; UPDATE meta SET value = '1'");
    db.close();
    const upgraded = await openSqlitePersister({ dir });
    const loaded = await upgraded.load();
    expect(loaded.snapshot).toEqual({ index: 4, term: 2, data: Uint8Array.of(1, 2) });
    await upgraded.close();
    const check = new Database(join(dir, sqliteFileName));
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({
      value: '2',
    });
    check.close();
  });
});
