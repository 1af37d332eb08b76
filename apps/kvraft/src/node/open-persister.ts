// Opens the chosen persister on the node's data dir: SQLite (the default), LevelDB or memory.
import { join } from 'node:path';
import { openLevelPersister } from '@kvraft/persister-level';
import { MemoryPersister } from '@kvraft/persister-memory';
import { openSqlitePersister } from '@kvraft/persister-sqlite';
import type { Persister } from '@kvraft/raft-core';
import type { PersisterName } from '../config/flag-parsers.ts';

/** Opens persister `name` under `dataDir`. */
export async function openPersister(name: PersisterName, dataDir: string): Promise<Persister> {
  switch (name) {
    case 'sqlite':
      return openSqlitePersister({ dir: join(dataDir, 'sqlite') });
    case 'level':
      return openLevelPersister({ dir: join(dataDir, 'level') });
    case 'memory':
      return new MemoryPersister();
  }
}
