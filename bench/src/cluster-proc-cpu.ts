// CPU time of server processes from Linux's /proc/<pid>/stat, so the benchmark can charge each
// system for the CPU its own nodes burned during a cell (the loader's CPU is measured apart, with
// process.cpuUsage). utime and stime there cover every thread of the process, which is what an
// operator pays for, whatever the server does on worker threads.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times: `getconf CLK_TCK`, or Linux's usual 100. */
export const clockTicksPerSecond = readClockTicks();

function readClockTicks(): number {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 });
  const ticks = Number.parseInt(result.stdout ?? '', 10);
  return Number.isSafeInteger(ticks) && ticks > 0 ? ticks : 100;
}

/** utime + stime of `pid` in milliseconds, or undefined when /proc has no such process. */
export function processCpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // NB: field 2 (the command name) may hold spaces and parentheses; the fields after the last
  // ')' are plain. utime and stime are fields 14 and 15, the 12th and 13th of those.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return ((utime + stime) * 1000) / clockTicksPerSecond;
}

/**
 * The summed CPU milliseconds of `pids`, or undefined when any of them cannot be read (a node
 * that exited mid-cell would otherwise make the delta silently too small).
 */
export function totalCpuMs(pids: readonly number[]): number | undefined {
  let total = 0;
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms === undefined) return undefined;
    total += ms;
  }
  return total;
}
