// Damage to a stopped node's stored state, the storage faults a real disk (or operator) causes:
// flipped bytes in the SQLite main file or its WAL, a truncated or deleted LevelDB log, a deleted
// CURRENT or MANIFEST, or the whole store deleted while the data dir's identity file stays.
// It must only ever touch the data dir it is given, and only while that node is down.
import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** The kinds of storage damage. */
export const diskDamages = [
  'flip-sqlite-main',
  'flip-sqlite-wal',
  'truncate-level-log',
  'delete-level-log',
  'delete-level-current',
  'delete-level-manifest',
  'delete-store',
] as const;

/** One kind of storage damage. */
export type DiskDamage = (typeof diskDamages)[number];

/** Which persister each damage applies to (`delete-store` applies to both durable ones). */
export function damageAppliesTo(damage: DiskDamage, persister: string): boolean {
  if (damage === 'delete-store') return persister === 'sqlite' || persister === 'level';
  return damage.includes('sqlite') ? persister === 'sqlite' : persister === 'level';
}

/** Bytes flipped per damaged file. */
const flippedBytesCount = 16;

/**
 * Applies `damage` to the node data dir `dataDir` (the dir holding the identity file); `random`
 * picks the flipped offsets. Returns what it did, or throws when the files it needs are absent.
 */
export function applyDiskDamage(dataDir: string, damage: DiskDamage, random: () => number): string {
  const sqlite = join(dataDir, 'sqlite');
  const level = join(dataDir, 'level');
  switch (damage) {
    case 'flip-sqlite-main':
      return flipBytes(join(sqlite, 'raft.sqlite'), random);
    case 'flip-sqlite-wal':
      return flipBytes(join(sqlite, 'raft.sqlite-wal'), random);
    case 'truncate-level-log': {
      const log = newestMatching(level, /^\d+\.log$/);
      const size = statSync(log).size;
      truncateSync(log, Math.floor(size / 2));
      return `truncated ${log} from ${size} to ${Math.floor(size / 2)} bytes`;
    }
    case 'delete-level-log':
      return remove(newestMatching(level, /^\d+\.log$/));
    case 'delete-level-current':
      return remove(join(level, 'CURRENT'));
    case 'delete-level-manifest':
      return remove(newestMatching(level, /^MANIFEST-\d+$/));
    case 'delete-store': {
      const store = existsSync(sqlite) ? sqlite : level;
      return remove(store);
    }
  }
}

function flipBytes(path: string, random: () => number): string {
  const bytes = readFileSync(path);
  if (bytes.length === 0) throw new Error(`${path} is empty; nothing to flip`);
  const offsets: number[] = [];
  for (let i = 0; i < flippedBytesCount; i++) {
    const offset = Math.floor(random() * bytes.length);
    bytes[offset] = bytes[offset]! ^ 0xff;
    offsets.push(offset);
  }
  writeFileSync(path, bytes);
  return `flipped ${flippedBytesCount} bytes of ${path} (${bytes.length} bytes) at ${offsets.slice(0, 4).join(', ')}…`;
}

function newestMatching(dir: string, pattern: RegExp): string {
  const names = readdirSync(dir)
    .filter((name) => pattern.test(name))
    .sort();
  const newest = names.at(-1);
  if (newest === undefined) throw new Error(`no file matching ${pattern} in ${dir}`);
  return join(dir, newest);
}

function remove(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  rmSync(path, { recursive: true, force: true });
  return `deleted ${path}`;
}
