// The ack watermark of a node's data dir, as a file of two fixed-size slots written in turn
// (`kvraft-watermark.bin`, 160 bytes). Each write goes to the older slot with a higher sequence
// number and a CRC, then fdatasync; a crash mid-write tears at most that slot, so the other
// still holds the previous watermark. It sits beside the identity file, outside the store, so
// damage to the store (or deleting it) cannot take the watermark with it.
import { closeSync, existsSync, fsyncSync, openSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type AckWatermark,
  crc32,
  readUint64,
  type WatermarkStore,
  writeUint64,
} from '@kvraft/raft-core/persister-kit';

/** The file name, inside the data dir. */
export const watermarkFileName = 'kvraft-watermark.bin';

/** The watermark file is unreadable: both slots fail their checks. */
export class WatermarkCorruptError extends Error {
  override readonly name = 'WatermarkCorruptError';
}

const magic = 0x4b56_574d; // "KVWM"
const formatVersion = 1;
const slotBytes = 80;
const checkedBytes = 64; // magic, version, padding, then seven 8-byte fields; the CRC follows
const noVote = 0;

/** A WatermarkStore on one file; open it with `openWatermarkFile`. */
class WatermarkFile implements WatermarkStore {
  private sequence: number;

  constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    private newest: { sequence: number; watermark: AckWatermark } | null,
  ) {
    this.sequence = newest?.sequence ?? 0;
  }

  async read(): Promise<AckWatermark | null> {
    return this.newest?.watermark ?? null;
  }

  async write(watermark: AckWatermark): Promise<void> {
    const sequence = this.sequence + 1;
    const slot = encodeSlot(sequence, watermark);
    await this.handle.write(slot, 0, slotBytes, (sequence % 2) * slotBytes);
    await this.handle.datasync();
    this.sequence = sequence;
    this.newest = { sequence, watermark };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** The watermark file's path in `dataDir`. */
export function watermarkPath(dataDir: string): string {
  return join(dataDir, watermarkFileName);
}

/**
 * Opens (creating when `create`) the watermark file in `dataDir`. Throws WatermarkCorruptError
 * when neither slot is valid, and ENOENT when it is missing and `create` is false.
 */
export async function openWatermarkFile(
  dataDir: string,
  create: boolean,
): Promise<WatermarkStore & { readonly path: string }> {
  const path = watermarkPath(dataDir);
  const fresh = create && !existsSync(path);
  const handle = await open(path, fresh ? 'wx+' : 'r+');
  try {
    if (fresh) syncDir(dirname(path));
    const buffer = Buffer.alloc(2 * slotBytes);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return new WatermarkFile(handle, path, newestSlot(buffer.subarray(0, bytesRead), path));
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
}

function newestSlot(bytes: Buffer, path: string) {
  if (bytes.length === 0) return null;
  const slots = [0, 1]
    .map((i) => decodeSlot(bytes.subarray(i * slotBytes, (i + 1) * slotBytes)))
    .filter((slot) => slot !== null);
  if (slots.length === 0) {
    throw new WatermarkCorruptError(
      `${path} is damaged (neither slot passes its checksum), so this node cannot tell what it acknowledged`,
    );
  }
  return slots.reduce((a, b) => (b.sequence > a.sequence ? b : a));
}

function encodeSlot(sequence: number, w: AckWatermark): Buffer {
  const buffer = Buffer.alloc(slotBytes);
  const view = new DataView(buffer.buffer, buffer.byteOffset, slotBytes);
  view.setUint32(0, magic);
  view.setUint8(4, formatVersion);
  const fields = [
    sequence,
    w.term,
    w.votedFor === null ? noVote : w.votedFor + 1,
    w.last.index,
    w.last.term,
    w.floor?.index ?? 0,
    w.floor?.term ?? 0,
  ];
  for (const [i, value] of fields.entries()) writeUint64(view, 8 + i * 8, value);
  view.setUint32(checkedBytes, crc32(buffer.subarray(0, checkedBytes)));
  return buffer;
}

function decodeSlot(bytes: Buffer): { sequence: number; watermark: AckWatermark } | null {
  if (bytes.length < slotBytes) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, slotBytes);
  if (view.getUint32(0) !== magic || view.getUint8(4) !== formatVersion) return null;
  if (view.getUint32(checkedBytes) !== crc32(bytes.subarray(0, checkedBytes))) return null;
  const [sequence, term, vote, lastIndex, lastTerm, floorIndex, floorTerm] = Array.from(
    { length: 7 },
    (_, i) => readUint64(view, 8 + i * 8),
  ) as [number, number, number, number, number, number, number];
  const floor = floorIndex === 0 && floorTerm === 0 ? null : { index: floorIndex, term: floorTerm };
  return {
    sequence,
    watermark: {
      term,
      votedFor: vote === noVote ? null : vote - 1,
      last: { index: lastIndex, term: lastTerm },
      floor,
    },
  };
}

// A new file's directory entry must be durable too, or a power loss could drop the file.
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
