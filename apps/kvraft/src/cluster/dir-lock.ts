// The lock a running `cluster up` holds on its dir: `cluster.lock`, created exclusively, naming
// the process that holds it (pid, argv, start time). A second `cluster up` on the same dir is
// refused while the holder lives, so it can never overwrite the pid file of a running cluster;
// a lock whose holder is gone (SIGKILL leaves one behind) is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkIdentity,
  type PidFileNode,
  type ProcessIdentity,
  pidFileName,
  processArgv,
  processStartTime,
} from '@kvraft/cluster';

/** The lock file's name inside a cluster dir. */
export const lockFileName = 'cluster.lock';

/** The dir is in use by a live cluster. */
export class DirLockError extends Error {}

/** A held lock. */
export interface DirLock {
  /** Removes the lock file (only if it is still ours). */
  release(): void;
}

/** Takes the lock on `dir`, or throws DirLockError naming who holds it. */
export function acquireDirLock(dir: string): DirLock {
  const path = join(dir, lockFileName);
  const me = ownIdentity();
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${JSON.stringify(me)}\n`);
      closeSync(fd);
      const lock = { release: () => releaseIfOurs(path, me) };
      try {
        refuseLiveNodes(dir);
      } catch (refusal) {
        lock.release();
        throw refusal;
      }
      return lock;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readIdentity(path);
      const state = holder === undefined ? 'exited' : checkIdentity(holder);
      if (holder !== undefined && (state === 'same' || state === 'unknown')) {
        throw new DirLockError(
          `${dir} is in use by a running cluster (kvraft cluster up, pid ${holder.pid}); ` +
            `stop it first: kvraft cluster down --dir ${dir}`,
        );
      }
      // The holder is gone: the lock is stale.
      rmSync(path, { force: true });
    }
  }
  throw new DirLockError(`could not lock ${dir}: another cluster up is starting there`);
}

// Nodes of an earlier run that still live (their cluster up died without stopping them).
function refuseLiveNodes(dir: string): void {
  let nodes: PidFileNode[];
  try {
    nodes = (JSON.parse(readFileSync(join(dir, pidFileName), 'utf8')) as { nodes: PidFileNode[] })
      .nodes;
  } catch {
    return;
  }
  const live = nodes.filter(
    (n) =>
      n.pid !== null &&
      n.argv !== undefined &&
      checkIdentity({ ...n, pid: n.pid, argv: n.argv }) === 'same',
  );
  if (live.length > 0) {
    throw new DirLockError(
      `${dir} is in use by running nodes (pids ${live.map((n) => n.pid).join(' ')}); ` +
        `stop them first: kvraft cluster down --dir ${dir}`,
    );
  }
}

function ownIdentity(): ProcessIdentity {
  const argv = processArgv(process.pid) ?? process.argv;
  const startTime = processStartTime(process.pid);
  return startTime === undefined
    ? { pid: process.pid, argv }
    : { pid: process.pid, argv, startTime };
}

function readIdentity(path: string): ProcessIdentity | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ProcessIdentity;
  } catch {
    return undefined;
  }
}

function releaseIfOurs(path: string, me: ProcessIdentity): void {
  if (readIdentity(path)?.pid === me.pid) rmSync(path, { force: true });
}
