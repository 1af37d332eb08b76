// Who a pid is, from Linux's /proc: its command line and its start time (clock ticks since
// boot). A pid file records both, so a later `cluster down` signals a pid only while it is still
// the process that was started, never whatever process reuses the number afterwards.
// Never signals anything itself.
import { readFileSync } from 'node:fs';

/** A process as a pid file records it. */
export interface ProcessIdentity {
  readonly pid: number;
  /** The exact argv it was started with. */
  readonly argv: readonly string[];
  /** Field 22 of /proc/PID/stat; undefined where /proc is unavailable. */
  readonly startTime?: string;
}

/** How a recorded process compares with the pid now. */
export type IdentityCheck = 'same' | 'exited' | 'other' | 'unknown';

/** The start time of `pid` (clock ticks after boot), or undefined when it cannot be read. */
export function processStartTime(pid: number): string | undefined {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return undefined;
  // NB: field 2 (the command name) may hold spaces and parentheses; fields after the last ')'
  // are plain. Field 22 (starttime) is the 20th of those.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** The argv of `pid` from /proc/PID/cmdline, or undefined when it cannot be read. */
export function processArgv(pid: number): string[] | undefined {
  const cmdline = readProc(pid, 'cmdline');
  if (cmdline === undefined) return undefined;
  return cmdline.split('\0').slice(0, -1);
}

/** Compares the process recorded as `identity` with whatever runs as its pid now. */
export function checkIdentity(identity: ProcessIdentity): IdentityCheck {
  if (!alive(identity.pid)) return 'exited';
  const argv = processArgv(identity.pid);
  if (argv === undefined) return procAvailable() ? 'exited' : 'unknown';
  if (argv.join('\0') !== identity.argv.join('\0')) return 'other';
  if (identity.startTime !== undefined && processStartTime(identity.pid) !== identity.startTime) {
    return 'other';
  }
  return 'same';
}

/** Whether `pid` exists (signal 0 probes without signalling). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function procAvailable(): boolean {
  return readProc(process.pid, 'stat') !== undefined;
}

function readProc(pid: number, file: 'stat' | 'cmdline'): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}
