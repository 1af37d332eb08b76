// TEST ONLY: a persister wrapper that slows saves down or fails them with EIO or ENOSPC while a
// control file in the node's data dir says so, so the nemesis can fault a running node's disk
// without root or a special filesystem. Installed only behind the same gate as the bug switches
// (test-only-bugs.ts); a production start never wraps its persister.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Persister } from '@kvraft/raft-core';
import { testOnlyGateEnv, testOnlyGatePhrase } from './test-only-bugs.ts';

/** The variable that asks for the wrapper (`1`); needs the gate. */
export const testOnlyDiskFaultsEnv = 'KVRAFT_TEST_ONLY_DISK_FAULTS';

/** The control file in the data dir: `{"mode":"slow","delayMs":200}`, `{"mode":"eio"}`, … */
export const diskFaultFileName = 'test-only-disk-fault.json';

/** What the control file may ask for. */
export interface DiskIoFault {
  readonly mode: 'slow' | 'eio' | 'enospc';
  /** Extra milliseconds per save in `slow` mode. */
  readonly delayMs?: number;
}

/** Longest delay per save the control file may ask for. */
const saveDelayMsMax = 10_000;

/** Wraps `persister` when the gate is open and the wrapper asked for; else returns it as is. */
export function wrapForTestOnlyDiskFaults(
  persister: Persister,
  dataDir: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Persister {
  if (env[testOnlyDiskFaultsEnv] !== '1' || env[testOnlyGateEnv] !== testOnlyGatePhrase) {
    return persister;
  }
  if (dataDir === undefined) return persister;
  const controlPath = join(dataDir, diskFaultFileName);
  // Saves reach the store in call order, as the driver issued them, even when the delay of a
  // slow save changes between two of them; and once a save failed, every later one fails too,
  // as a real store fails stop (durable-persister.ts): a later save handed to the store past a
  // failed one would skip entries, which the store's ledger refuses as a bug.
  let issued: Promise<unknown> = Promise.resolve();
  let failure: Error | undefined;
  const issue = async (update: Parameters<Persister['save']>[0]) => {
    if (failure !== undefined) throw failure;
    const fault = readControl(controlPath);
    if (fault?.mode === 'slow') {
      const delayMs = Math.min(saveDelayMsMax, Math.max(0, fault.delayMs ?? 100));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    } else if (fault !== undefined) {
      const code = fault.mode === 'eio' ? 'EIO' : 'ENOSPC';
      failure = Object.assign(new Error(`${code}: injected by the test-only disk-fault wrapper`), {
        code,
      });
      throw failure;
    }
    // Wrapped, so the chain waits for the hand-over only, not for the save to be durable.
    return { saved: persister.save(update) };
  };
  return {
    load: () => persister.load(),
    raftStateSize: () => persister.raftStateSize(),
    snapshotSize: () => persister.snapshotSize(),
    close: () => persister.close(),
    save: (update) => {
      const handedOver = issued.then(() => issue(update));
      issued = handedOver.catch(() => undefined);
      return handedOver.then(({ saved }) => saved);
    },
  };
}

// Read on every save, so the nemesis can switch faults on a running node; absent means none.
function readControl(path: string): DiskIoFault | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DiskIoFault;
  } catch {
    return undefined;
  }
}
