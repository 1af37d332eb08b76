// Opens the chosen persister on the node's data dir: SQLite (the default), LevelDB or memory.
// Each adapter is imported only when chosen, so a node (and its start-up time) carries only the
// native module it uses, and an embedding project installs only the adapter it wants.
import { join } from 'node:path';
import type { Persister } from '@kvraft/raft-core';
import { replaceNodeRecipe } from './ack-watermark-guard.ts';
import type { PersisterName } from './config/flag-parsers.ts';

/** The adapter package of each durable persister (optional peer dependencies of this package). */
const adapterPackages = {
  sqlite: '@kvraft/persister-sqlite',
  level: '@kvraft/persister-level',
} as const;

/**
 * Opens persister `name` under `dataDir`, or returns a Persister that was passed in. A refused
 * open keeps its error (and class), its message extended by what the operator can do about it.
 */
export async function openPersister(
  name: PersisterName | Persister,
  dataDir: string | undefined,
): Promise<Persister> {
  if (typeof name !== 'string') return name;
  try {
    return await openNamed(name, dataDir);
  } catch (error) {
    throw withRemedy(error);
  }
}

// The adapters name the file and the cause; only the node knows the remedy. The message is
// extended in place, so an embedding that catches PersisterCorruptionError still can.
function withRemedy(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  if (error.name === 'PersisterCorruptionError') {
    error.message = `${error.message}; replace the node: ${replaceNodeRecipe}`;
  } else if (error.name === 'PersisterLockedError') {
    error.message = `${error.message}; is another node running on this data dir? Stop it first`;
  }
  return error;
}

async function openNamed(name: PersisterName, dataDir: string | undefined): Promise<Persister> {
  switch (name) {
    case 'sqlite': {
      const { openSqlitePersister } =
        await importAdapter<typeof import('@kvraft/persister-sqlite')>('sqlite');
      return openSqlitePersister({ dir: join(required(dataDir), 'sqlite') });
    }
    case 'level': {
      const { openLevelPersister } =
        await importAdapter<typeof import('@kvraft/persister-level')>('level');
      return openLevelPersister({ dir: join(required(dataDir), 'level') });
    }
    case 'memory': {
      const { MemoryPersister } = await import('@kvraft/persister-memory');
      return new MemoryPersister();
    }
  }
}

// A missing adapter is an installation choice, not a bug: say which package to add.
async function importAdapter<T>(name: keyof typeof adapterPackages): Promise<T> {
  const specifier = adapterPackages[name];
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (code === 'ERR_MODULE_NOT_FOUND' && message?.includes(`'${specifier}'`)) {
      throw new Error(
        `the ${name} persister needs the ${specifier} package: npm install ${specifier}`,
      );
    }
    throw error;
  }
}

function required(dataDir: string | undefined): string {
  if (dataDir === undefined) throw new Error('a durable persister needs a data dir');
  return dataDir;
}
