// Typed errors of a durable persister: operating failures a node reports and stops on, as
// opposed to AssertionError, which means the caller broke the port's contract.
import type { LogIndex } from '../types.ts';

/** Which persisted record a corruption error is about. */
export type PersistedRecord = 'entry' | 'hardState' | 'snapshot' | 'meta' | 'file';

/** Where a corruption was found and what it looks like. */
export interface CorruptionDetails {
  /** The store's file or directory path. */
  readonly store: string;
  readonly record: PersistedRecord;
  /** The log index of the bad record, or null when it has none (hard state, file structure). */
  readonly index: LogIndex | null;
  readonly detail: string;
  readonly cause?: unknown;
}

/** Thrown on open when a record fails its checksum or the store's structure is damaged. */
export class PersisterCorruptionError extends Error {
  override readonly name = 'PersisterCorruptionError';
  /** The store's file or directory path. */
  readonly store: string;
  /** The kind of record that is damaged. */
  readonly record: PersistedRecord;
  /** The log index of the damaged record, or null when the record has none. */
  readonly index: LogIndex | null;

  /** Builds the error; the message names the store, the record and its index. */
  constructor(details: CorruptionDetails) {
    const where =
      details.index === null ? details.record : `${details.record} at index ${details.index}`;
    super(`corrupted ${where} in store ${details.store}: ${details.detail}; refusing to open`, {
      cause: details.cause,
    });
    this.store = details.store;
    this.record = details.record;
    this.index = details.index;
  }
}

/** Thrown on open when another process (or another open instance) already holds the store. */
export class PersisterLockedError extends Error {
  override readonly name = 'PersisterLockedError';

  /** Builds the error for `store`, held by someone else. */
  constructor(
    readonly store: string,
    options?: ErrorOptions,
  ) {
    super(`store ${store} is locked by another process or instance`, options);
  }
}

/** Thrown on open when the store was written with a schema version this code does not know. */
export class PersisterSchemaError extends Error {
  override readonly name = 'PersisterSchemaError';

  /** Builds the error for `store` holding schema `found` where `expected` is supported. */
  constructor(
    readonly store: string,
    readonly found: string,
    readonly expected: number,
  ) {
    super(`store ${store} has schema version ${found}; this code reads version ${expected}`);
  }
}

/** Rejects every save after a write failed: the store's state is unknown, so the node must stop. */
export class PersisterFailedError extends Error {
  override readonly name = 'PersisterFailedError';

  /** Builds the error for `store`, whose write failed with `cause`. */
  constructor(
    readonly store: string,
    options: ErrorOptions,
  ) {
    super(`a write to store ${store} failed; the persister refuses further saves`, options);
  }
}
