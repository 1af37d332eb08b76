// Goal: a node's real persister chain (SQLite or LevelDB behind the data dir's ack watermark
// file, as startNode builds it) still keeps the whole Persister contract, so the protection
// changes nothing a correct store does. Method: the shared contract suite on each chain, every
// store in its own temp data dir, reopened through a fresh watermark file handle.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLevelPersister } from '@kvraft/persister-level';
import { openSqlitePersister } from '@kvraft/persister-sqlite';
import type { Persister } from '@kvraft/raft-core';
import { WatermarkedPersister } from '@kvraft/raft-core/persister-kit';
import { persisterContractSuite } from '@kvraft/raft-core/testing';
import { openWatermarkFile } from '@kvraft/server';
import { afterAll } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'kvraft-watermarked-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const stores = {
  sqlite: (dir: string) => openSqlitePersister({ dir: join(dir, 'sqlite') }),
  level: (dir: string) => openLevelPersister({ dir: join(dir, 'level') }),
};

for (const [name, openStore] of Object.entries(stores)) {
  const dirOf = new WeakMap<Persister, string>();
  const open = async (dir: string) => {
    const store = await openStore(dir);
    const chain = new WatermarkedPersister(store, await openWatermarkFile(dir, true));
    dirOf.set(chain, dir);
    return chain;
  };
  persisterContractSuite(`${name} behind the ack watermark file`, {
    open: () => open(mkdtempSync(join(root, `${name}-`))),
    reopen: (closed) => open(dirOf.get(closed)!),
  });
}
