// A node whose disk fails (full, quota, read-only, I/O error) must stop: its store's state after
// a failed write is unknown (DurablePersister fails stop), and Raft must not guess. That is an
// operating condition, not a bug, so the process says so in one JSON log line (code, file, what
// to do) and exits with its own code instead of dying through an unhandled rejection with a
// stack trace. Everything else that escapes still crashes the way Node does by default.

/** The exit code of a node stopped by a storage error (sysexits EX_TEMPFAIL: fix, then retry). */
export const storageErrorExitCode = 75;

/** What an operator must do about a storage error. */
export type StorageErrorKind = 'full' | 'io' | 'read-only';

/** A storage error found in an error's cause chain. */
export interface StorageError {
  /** What identified it: ENOSPC, EIO, EDQUOT, EROFS, SQLITE_FULL, SQLITE_IOERR_*, LEVEL_IO_ERROR. */
  readonly code: string;
  readonly kind: StorageErrorKind;
  /** The file or store the failing write was for, when the error names one. */
  readonly file: string | undefined;
  /** The innermost message (the OS's, SQLite's or LevelDB's own words). */
  readonly detail: string;
}

const errnoKinds: Readonly<Record<string, StorageErrorKind>> = {
  ENOSPC: 'full',
  EDQUOT: 'full',
  EIO: 'io',
  EROFS: 'read-only',
};

// LevelDB reports every failed file operation as LEVEL_IO_ERROR and only its message carries the
// errno text. Only these texts are the disk's fault: a missing MANIFEST is also an "IO error"
// (No such file or directory), but that store is damaged, and restarting will not help.
const levelMessageKinds: readonly [RegExp, StorageErrorKind][] = [
  [/No space left on device|Disk quota exceeded/i, 'full'],
  [/Read-only file system/i, 'read-only'],
  [/Input\/output error/i, 'io'],
];

/** Returns the storage error somewhere in `error`'s cause chain, or undefined if there is none. */
export function storageErrorOf(error: unknown): StorageError | undefined {
  let file: string | undefined;
  // Bounded: a cause chain is short, and a cyclic one must not hang a dying process.
  for (
    let e: unknown = error, depth = 0;
    e !== null && typeof e === 'object' && depth < 8;
    depth++
  ) {
    const { code, path, store, message, cause } = e as Record<string, unknown>;
    // The outermost name wins: PersisterFailedError's store is the file the operator knows.
    file ??= typeof store === 'string' ? store : typeof path === 'string' ? path : undefined;
    const kind = typeof code === 'string' ? kindOf(code, String(message)) : undefined;
    if (kind !== undefined) {
      return { code: code as string, kind, file, detail: innermostMessage(e) };
    }
    e = cause;
  }
  return undefined;
}

function kindOf(code: string, message: string): StorageErrorKind | undefined {
  const errno = errnoKinds[code];
  if (errno !== undefined) return errno;
  if (code === 'SQLITE_FULL') return 'full';
  if (code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_')) return 'io';
  if (code === 'LEVEL_IO_ERROR') {
    return levelMessageKinds.find(([pattern]) => pattern.test(message))?.[1];
  }
  return undefined;
}

function innermostMessage(error: object): string {
  let message = String((error as { message?: unknown }).message);
  for (let e = (error as { cause?: unknown }).cause, depth = 0; depth < 8; depth++) {
    if (e === null || typeof e !== 'object') break;
    message = String((e as { message?: unknown }).message);
    e = (e as { cause?: unknown }).cause;
  }
  return message;
}

/** The fields and message of the one fatal log line for `error` on a node with `dataDir`. */
export function fatalStorageLine(
  error: StorageError,
  dataDir: string,
): { fields: Record<string, unknown>; message: string } {
  const where = error.file ?? dataDir;
  const restart = 'then restart the node: it catches up from the leader';
  const todo = {
    full: `free space in ${dataDir}, ${restart}`,
    'read-only': `make ${dataDir} writable again (remount it read-write), ${restart}`,
    io: `check the disk under ${dataDir} (dmesg, SMART); once it is healthy, ${restart}; if the store is lost, replace the node (docs/operations.md#replace-a-dead-node)`,
  }[error.kind];
  return {
    fields: {
      code: error.code,
      file: where,
      dataDir,
      error: error.detail,
      exitCode: storageErrorExitCode,
    },
    message: `storage error ${error.code} on ${where}: ${todo}`,
  };
}

/** A process-wide watch for storage errors that escape as unhandled rejections. */
export interface StorageErrorWatch {
  /** Resolves with the first storage error; later ones are echoes of it and are dropped. */
  readonly failed: Promise<StorageError>;
  /** Removes the process hook. */
  dispose(): void;
}

/**
 * Hooks `unhandledRejection`: a failed save surfaces there (raft-core's driver lets it go
 * unhandled so the node fails stop). A storage error resolves `failed`; any other rejection is
 * rethrown, so it crashes the process exactly as it would without the hook.
 */
export function watchStorageErrors(proc: NodeJS.EventEmitter = process): StorageErrorWatch {
  let report: (error: StorageError) => void = () => {};
  const failed = new Promise<StorageError>((resolve) => {
    report = resolve;
  });
  const onRejection = (reason: unknown) => {
    const storage = storageErrorOf(reason);
    if (storage === undefined) throw reason;
    report(storage);
    report = () => {};
  };
  proc.on('unhandledRejection', onRejection);
  return { failed, dispose: () => proc.off('unhandledRejection', onRejection) };
}
