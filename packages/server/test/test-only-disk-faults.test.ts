// Goal: the test-only disk-fault wrapper is installed only behind the gate, and once installed
// follows its control file on every save: slow saves still land, EIO and ENOSPC fail the save
// with that code and write nothing, and removing the file heals it. Method: a MemoryPersister
// wrapped in a temp data dir, the control file written and removed between saves.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryPersister } from '@kvraft/persister-memory';
import { afterAll, describe, expect, it } from 'vitest';
import { testOnlyGateEnv, testOnlyGatePhrase } from '../src/test-only-bugs.ts';
import {
  diskFaultFileName,
  testOnlyDiskFaultsEnv,
  wrapForTestOnlyDiskFaults,
} from '../src/test-only-disk-faults.ts';

const dir = mkdtempSync(join(tmpdir(), 'kvraft-disk-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const open = { [testOnlyDiskFaultsEnv]: '1', [testOnlyGateEnv]: testOnlyGatePhrase };
const update = { hardState: { term: 1, votedFor: null, commitIndex: 0 } } as never;

// The persister's methods bound to it, so a spread copy keeps working.
function bind(p: MemoryPersister) {
  return {
    load: () => p.load(),
    raftStateSize: () => p.raftStateSize(),
    snapshotSize: () => p.snapshotSize(),
    close: () => p.close(),
  };
}

describe('wrapForTestOnlyDiskFaults', () => {
  it('leaves the persister alone without the gate', () => {
    const persister = new MemoryPersister();
    expect(wrapForTestOnlyDiskFaults(persister, dir, { [testOnlyDiskFaultsEnv]: '1' })).toBe(
      persister,
    );
    expect(wrapForTestOnlyDiskFaults(persister, dir, {})).toBe(persister);
  });

  it('fails saves with EIO or ENOSPC while the control file says so, then fails stop', async () => {
    const saved: unknown[] = [];
    const inner = new MemoryPersister();
    const persister = { ...bind(inner), save: async (u: never) => void saved.push(u) };
    const control = join(dir, diskFaultFileName);
    for (const [mode, code] of [
      ['eio', 'EIO'],
      ['enospc', 'ENOSPC'],
    ] as const) {
      const wrapped = wrapForTestOnlyDiskFaults(persister, dir, open);
      expect(wrapped).not.toBe(persister);
      writeFileSync(control, JSON.stringify({ mode }));
      await expect(wrapped.save(update)).rejects.toMatchObject({ code });
      // A real store fails stop after a write error: so does this one, file or no file.
      rmSync(control);
      await expect(wrapped.save(update)).rejects.toMatchObject({ code });
    }
    expect(saved).toHaveLength(0);
    // A restarted node (a new wrapper) without the control file saves again.
    await wrapForTestOnlyDiskFaults(persister, dir, open).save(update);
    expect(saved).toHaveLength(1);
  });

  it('hands saves to the store in call order, also when a slow save precedes a fast one', async () => {
    const saved: number[] = [];
    const inner = new MemoryPersister();
    const persister = { ...bind(inner), save: async (u: never) => void saved.push(u) };
    const wrapped = wrapForTestOnlyDiskFaults(persister, dir, open);
    const control = join(dir, diskFaultFileName);
    writeFileSync(control, JSON.stringify({ mode: 'slow', delayMs: 30 }));
    const slow = wrapped.save(1 as never);
    await new Promise((resolve) => setTimeout(resolve, 5));
    rmSync(control);
    const fast = wrapped.save(2 as never);
    await Promise.all([slow, fast]);
    expect(saved).toEqual([1, 2]);
  });
});
