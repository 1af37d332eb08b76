// Goal: a damaged SQLite store refuses to open with an error naming the file and the record,
// never serving wrong data. Method: write a closed store whose entries carry a marker, then flip
// a byte inside one record's bytes, damage the page structure, or truncate the file.
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrng, type Entry } from '@kvraft/raft-core';
import { randomBytes } from '@kvraft/raft-core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlitePersister, PersisterCorruptionError, sqliteFileName } from '../src/index.ts';

const root = mkdtempSync(join(tmpdir(), 'kvraft-sqlite-corrupt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;

/** Writes 40 entries of 300 random bytes and returns the file and the entries. */
async function closedStore(): Promise<{ file: string; entries: Entry[] }> {
  const dir = join(root, `store-${count++}`);
  const prng = createPrng(count);
  const entries: Entry[] = Array.from({ length: 40 }, (_, i) => ({
    index: i + 1,
    term: 1,
    kind: 'command',
    data: randomBytes(prng, 300),
  }));
  const store = await openSqlitePersister({ dir });
  await store.save({ entries, hardState: { term: 1, votedFor: 1, commitIndex: 3 } });
  await store.close();
  return { file: join(dir, sqliteFileName), entries };
}

async function openError(file: string): Promise<PersisterCorruptionError> {
  const error = await openSqlitePersister({ path: file }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PersisterCorruptionError);
  return error as PersisterCorruptionError;
}

describe('SqlitePersister on a damaged file', () => {
  it('names the file and the index when a byte inside an entry is flipped', async () => {
    const { file, entries } = await closedStore();
    const bytes = readFileSync(file);
    const at = bytes.indexOf(Buffer.from(entries[16]!.data));
    expect(at).toBeGreaterThan(0);
    bytes[at + 150] = bytes[at + 150]! ^ 0x40;
    writeFileSync(file, bytes);
    const error = await openError(file);
    expect(error).toMatchObject({ store: file, record: 'entry', index: 17 });
    expect(error.message).toContain(file);
  });

  it('reports a damaged page structure as file corruption naming the file', async () => {
    const { file } = await closedStore();
    const bytes = readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    bytes.fill(0xff, pageSize * 2, pageSize * 2 + 16);
    writeFileSync(file, bytes);
    const error = await openError(file);
    expect(error.store).toBe(file);
    expect(error.message).toContain(file);
  });

  it('reports a truncated file as corruption naming the file', async () => {
    const { file } = await closedStore();
    truncateSync(file, Math.floor(readFileSync(file).length / 2) + 100);
    expect((await openError(file)).store).toBe(file);
  });

  it('reports an overwritten header as a file that is not a database', async () => {
    const { file } = await closedStore();
    const bytes = readFileSync(file);
    bytes.write('not a database!', 0);
    writeFileSync(file, bytes);
    expect(await openError(file)).toMatchObject({ store: file, record: 'file', index: null });
  });
});
