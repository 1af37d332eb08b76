// The on-disk schema of the SQLite persister, versioned through the `meta` table. Every record
// carries a CRC32 (record-checksum.ts) verified on open.
// Invariant: a store is either empty (no tables) or holds schema version `schemaVersion`.
// Version 2 adds the snapshot's configuration (membership changes); a version 1 store is
// upgraded in place on open, since its snapshots were all taken under the bootstrap config.

import { PersisterSchemaError } from '@kvraft/raft-core/persister-kit';
import type Database from 'better-sqlite3';

/** The schema version this code writes and reads. */
export const schemaVersion = 2;

const createStatements = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE hard_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  term INTEGER NOT NULL, voted_for INTEGER, commit_index INTEGER NOT NULL, crc INTEGER NOT NULL);
CREATE TABLE snapshot (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  idx INTEGER NOT NULL, term INTEGER NOT NULL, data BLOB NOT NULL, crc INTEGER NOT NULL,
  config BLOB);
CREATE TABLE entries (
  idx INTEGER PRIMARY KEY, term INTEGER NOT NULL, kind INTEGER NOT NULL,
  data BLOB NOT NULL, crc INTEGER NOT NULL);
`;

/** Creates the schema in an empty database, or checks the version of an existing one. */
export function ensureSchema(db: Database.Database, store: string): void {
  const tables = db
    .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'")
    .get() as {
    n: number;
  };
  if (tables.n === 0) {
    db.exec(createStatements);
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(
      String(schemaVersion),
    );
    return;
  }
  const hasMeta = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'")
    .get();
  const row =
    hasMeta === undefined
      ? undefined
      : (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
          | { value: string }
          | undefined);
  if (row?.value === '1') {
    db.exec(
      "ALTER TABLE snapshot ADD COLUMN config BLOB; UPDATE meta SET value = '2' WHERE key = 'schema_version'",
    );
    return;
  }
  if (row?.value !== String(schemaVersion)) {
    throw new PersisterSchemaError(store, row?.value ?? 'none', schemaVersion);
  }
}
