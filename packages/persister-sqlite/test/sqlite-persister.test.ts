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
});
