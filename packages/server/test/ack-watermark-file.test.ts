// Goal: the data dir's watermark file keeps the WatermarkStore contract on a real file, and a
// torn or damaged write costs at most the newest watermark: damage to one slot reads the other
// (the previous watermark), damage to both is a specific error naming the file, never a null
// that would read as "nothing was acknowledged". Method: the shared contract suite, then byte
// flips in each slot of a written file.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AckWatermark } from '@kvraft/raft-core/persister-kit';
import { watermarkStoreContractSuite } from '@kvraft/raft-core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  openWatermarkFile,
  WatermarkCorruptError,
  watermarkPath,
} from '../src/ack-watermark-file.ts';

const root = mkdtempSync(join(tmpdir(), 'kvraft-watermark-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const freshDir = () => mkdtempSync(join(root, 'd-'));
const dirOf = new WeakMap<object, string>();

watermarkStoreContractSuite('the watermark file', {
  async open() {
    const dir = freshDir();
    const store = await openWatermarkFile(dir, true);
    dirOf.set(store, dir);
    return store;
  },
  async reopen(closed) {
    const dir = dirOf.get(closed);
    if (dir === undefined) throw new Error('reopen of a store this factory did not open');
    const store = await openWatermarkFile(dir, false);
    dirOf.set(store, dir);
    return store;
  },
});

const older: AckWatermark = { term: 4, votedFor: 1, last: { index: 40, term: 4 }, floor: null };
const newer: AckWatermark = { term: 5, votedFor: 2, last: { index: 41, term: 5 }, floor: null };

async function writtenDir(): Promise<string> {
  const dir = freshDir();
  const store = await openWatermarkFile(dir, true);
  await store.write(older); // sequence 1: slot 1
  await store.write(newer); // sequence 2: slot 0
  await store.close();
  return dir;
}

function flipByte(dir: string, offset: number): void {
  const path = watermarkPath(dir);
  const bytes = readFileSync(path);
  bytes[offset] = (bytes[offset] ?? 0) ^ 0x40;
  writeFileSync(path, bytes);
}

describe('the watermark file under damage', () => {
  it('is two 80-byte slots', async () => {
    const dir = await writtenDir();
    expect(statSync(watermarkPath(dir)).size).toBe(160);
  });

  it('reads the previous watermark when the newest slot is torn', async () => {
    const dir = await writtenDir();
    flipByte(dir, 20); // inside slot 0's fields
    const store = await openWatermarkFile(dir, false);
    expect(await store.read()).toEqual(older);
    await store.close();
  });

  it('reads the newest watermark when only the older slot is damaged', async () => {
    const dir = await writtenDir();
    flipByte(dir, 80 + 66); // slot 1's CRC
    const store = await openWatermarkFile(dir, false);
    expect(await store.read()).toEqual(newer);
    await store.close();
  });

  it('keeps writing past a torn slot, overwriting the damaged one next', async () => {
    const dir = await writtenDir();
    flipByte(dir, 20);
    const store = await openWatermarkFile(dir, false);
    const third = { ...newer, last: { index: 42, term: 5 } };
    await store.write(third);
    await store.close();
    const again = await openWatermarkFile(dir, false);
    expect(await again.read()).toEqual(third);
    await again.close();
  });

  it('refuses, naming the file, when both slots are damaged', async () => {
    const dir = await writtenDir();
    flipByte(dir, 0);
    flipByte(dir, 80 + 30);
    const opening = openWatermarkFile(dir, false);
    await expect(opening).rejects.toBeInstanceOf(WatermarkCorruptError);
    await expect(openWatermarkFile(dir, false)).rejects.toThrow(watermarkPath(dir));
  });

  it('is missing (ENOENT) rather than silently created when create is false', async () => {
    await expect(openWatermarkFile(freshDir(), false)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
