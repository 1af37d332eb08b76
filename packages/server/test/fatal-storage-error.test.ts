// Goal: storage errors are told from every other failure by their real shapes (an fs errno, a
// better-sqlite3 SqliteError code, classic-level's LEVEL_IO_ERROR with the errno only in its
// text), wherever they sit in the cause chain; a store that is damaged, not full, is not one;
// the fatal line names the code, the file and what to do; the process hook reports the first
// storage rejection once and rethrows anything else. Method: a real ENOSPC from writing
// /dev/full, real persister error classes wrapping it, and a plain EventEmitter as the process.
import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { PersisterCorruptionError, PersisterFailedError } from '@kvraft/raft-core/persister-kit';
import { describe, expect, it } from 'vitest';
import {
  fatalStorageLine,
  storageErrorExitCode,
  storageErrorOf,
  watchStorageErrors,
} from '../src/cli/fatal-storage-error.ts';

// The kernel's own ENOSPC: /dev/full refuses every write with it.
function realEnospc(): unknown {
  try {
    writeFileSync('/dev/full', 'x');
  } catch (error) {
    return error;
  }
  throw new Error('/dev/full accepted a write');
}

const codeError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('storageErrorOf', () => {
  it('finds a real ENOSPC (a write error carries no path: the file is unknown)', () => {
    expect(storageErrorOf(realEnospc())).toEqual({
      code: 'ENOSPC',
      kind: 'full',
      file: undefined,
      detail: 'ENOSPC: no space left on device, write',
    });
  });

  it('names the store of a failed save, and the innermost cause as detail', () => {
    const cause = codeError('SQLITE_FULL', 'database or disk is full');
    const failed = new PersisterFailedError('/data/sqlite/raft.sqlite', { cause });
    expect(storageErrorOf(failed)).toEqual({
      code: 'SQLITE_FULL',
      kind: 'full',
      file: '/data/sqlite/raft.sqlite',
      detail: 'database or disk is full',
    });
    const ioerr = new PersisterFailedError('/s', { cause: codeError('SQLITE_IOERR_FSYNC', 'x') });
    expect(storageErrorOf(ioerr)?.kind).toBe('io');
  });

  it('reads LevelDB’s errno from its message, and a missing MANIFEST is not a disk error', () => {
    const full = codeError('LEVEL_IO_ERROR', 'IO error: /d/000003.log: No space left on device');
    expect(storageErrorOf(new PersisterFailedError('/d', { cause: full }))?.kind).toBe('full');
    const eio = codeError('LEVEL_IO_ERROR', 'IO error: /d/000003.log: Input/output error');
    expect(storageErrorOf(eio)?.kind).toBe('io');
    const gone = codeError('LEVEL_IO_ERROR', 'IO error: /d/MANIFEST-000002: No such file');
    const damaged = new PersisterCorruptionError({
      store: '/d',
      record: 'file',
      index: null,
      detail: 'x',
      cause: gone,
    });
    expect(storageErrorOf(damaged)).toBeUndefined();
  });

  it('ignores errors that are not the disk’s', () => {
    expect(storageErrorOf(new Error('boom'))).toBeUndefined();
    expect(storageErrorOf(codeError('SQLITE_CONSTRAINT', 'x'))).toBeUndefined();
    expect(storageErrorOf(codeError('ECONNRESET', 'x'))).toBeUndefined();
    expect(storageErrorOf(undefined)).toBeUndefined();
  });
});

describe('fatalStorageLine', () => {
  it('names the code and the file, and says to free space and restart', () => {
    const error = storageErrorOf(new PersisterFailedError('/data/kv1/s', { cause: realEnospc() }));
    const line = fatalStorageLine(error!, '/data/kv1');
    expect(line.message).toBe(
      'storage error ENOSPC on /data/kv1/s: free space in /data/kv1, then restart the node: it catches up from the leader',
    );
    expect(line.fields).toMatchObject({ code: 'ENOSPC', file: '/data/kv1/s', exitCode: 75 });
    expect(storageErrorExitCode).toBe(75);
  });

  it('falls back to the data dir when the error names no file, and points EIO at the disk', () => {
    const line = fatalStorageLine(storageErrorOf(codeError('EIO', 'i/o'))!, '/data/kv1');
    expect(line.message).toMatch(
      /^storage error EIO on \/data\/kv1: check the disk under \/data\/kv1/,
    );
    expect(line.message).toContain('docs/operations.md#replace-a-dead-node');
  });
});

describe('watchStorageErrors', () => {
  it('reports the first storage rejection, drops its echoes, and rethrows anything else', async () => {
    const proc = new EventEmitter();
    const watch = watchStorageErrors(proc);
    proc.emit('unhandledRejection', new PersisterFailedError('/s', { cause: realEnospc() }));
    proc.emit('unhandledRejection', codeError('EIO', 'later'));
    expect(await watch.failed).toMatchObject({ code: 'ENOSPC', file: '/s' });
    const bug = new Error('a bug');
    expect(() => proc.emit('unhandledRejection', bug)).toThrow(bug);
    watch.dispose();
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
  });
});
