// Goal: every refused open says which file and why, in a short message: garbage bytes where the
// database should be, a read-only filesystem, a store another process holds, a file where the
// store's directory should be. Method: real files in a temp dir; the holding process and the
// read-only filesystem are real (a child that keeps the store open; a tmpfs remounted
// read-only in the child's own mount namespace, `unshare -rm`, so no root and nothing to undo).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  openSqlitePersister,
  PersisterCorruptionError,
  PersisterLockedError,
  sqliteFileName,
} from '../src/index.ts';

const root = mkdtempSync(join(tmpdir(), 'kvraft-sqlite-open-'));
const holders: ChildProcess[] = [];
afterAll(() => {
  for (const child of holders) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});
const fixture = join(import.meta.dirname, 'fixtures/crash-child-sqlite.ts');
const tsx = ['--import', 'tsx', '--conditions=@kvraft/source', '--input-type=module', '-e'];

// Opens the store in `dir` (twice when `reopenReadOnly`: once to create it, once after the
// tmpfs under it is remounted read-only) and prints the error's message, or `opened`.
const openScript = (dir: string, reopenReadOnly = false) => `
  import { openPersister } from ${JSON.stringify(fixture)};
  import { spawnSync } from 'node:child_process';
  try {
    if (${reopenReadOnly}) {
      await (await openPersister(${JSON.stringify(dir)})).close();
      const remount = spawnSync('mount', ['-o', 'remount,ro', ${JSON.stringify(dir)}]);
      if (remount.status !== 0) throw new Error('remount failed: ' + remount.stderr);
    }
    await (await openPersister(${JSON.stringify(dir)})).close();
    console.log('opened');
  } catch (e) { console.log(e.message); }`;

describe('SqlitePersister refuses to open, naming the file and the cause', () => {
  it('a file of garbage bytes where the database should be', async () => {
    const dir = join(root, 'garbage');
    mkdirSync(dir);
    const path = join(dir, sqliteFileName);
    writeFileSync(path, Buffer.from('this is not a SQLite database, just bytes '.repeat(200)));
    const opening = openSqlitePersister({ dir });
    await expect(opening).rejects.toBeInstanceOf(PersisterCorruptionError);
    await expect(opening).rejects.toThrow(
      `corrupted file in store ${path}: SQLite reports file is not a database; refusing to open`,
    );
  });

  it('a store on a read-only filesystem', () => {
    const dir = join(root, 'read-only');
    mkdirSync(dir);
    const script = `mount -t tmpfs -o size=4m tmpfs "$0" && exec "$@"`;
    const child = spawnSync(
      'unshare',
      ['-rm', 'sh', '-c', script, dir, process.execPath, ...tsx, openScript(dir, true)],
      { cwd: import.meta.dirname, encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe(
      `cannot open SQLite store ${join(dir, sqliteFileName)}: ${dir} is not writable (EROFS: read-only file system)`,
    );
  });

  it('a store another process holds open', async () => {
    const dir = join(root, 'held');
    const holder = spawn(
      process.execPath,
      [
        ...tsx,
        `import { openPersister } from ${JSON.stringify(fixture)};
         const s = await openPersister(${JSON.stringify(dir)}); console.log('holding');
         process.stdin.resume(); process.stdin.on('end', () => s.close());`,
      ],
      { cwd: import.meta.dirname, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    holders.push(holder);
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    const opening = openSqlitePersister({ dir });
    await expect(opening).rejects.toBeInstanceOf(PersisterLockedError);
    await expect(opening).rejects.toThrow(
      `store ${join(dir, sqliteFileName)} is locked by another process or instance`,
    );
    holder.stdin!.end();
  });

  it('a file where the store’s directory should be', async () => {
    const dir = join(root, 'a-file');
    writeFileSync(dir, 'not a directory');
    await expect(openSqlitePersister({ dir })).rejects.toThrow(
      `cannot open SQLite store ${join(dir, sqliteFileName)}: ${dir} (or a parent) is a file, not a directory`,
    );
  });

  it('a directory where the database file should be', async () => {
    const dir = join(root, 'a-dir');
    mkdirSync(join(dir, sqliteFileName), { recursive: true });
    await expect(openSqlitePersister({ dir })).rejects.toThrow(
      `cannot open SQLite store ${join(dir, sqliteFileName)}: it is a directory`,
    );
  });
});
