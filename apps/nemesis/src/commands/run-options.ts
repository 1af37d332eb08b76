// The flags of `run` and their checks, all made before anything starts: unknown fault or
// workload names, node counts, the memory persister without --allow-amnesia, durations, and an
// out dir that must be writable and must not already hold a run.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type FaultFamily,
  faultFamilies,
  nodeCounts,
  type ScenarioName,
  type WorkloadName,
  workloadNames,
} from '@kvraft/cluster';

/** The parsed flags of `run`. */
export interface RunOptions {
  readonly nodes: number;
  readonly persister: 'sqlite' | 'level' | 'memory';
  readonly clients: number;
  readonly durationMs: number;
  readonly faults: readonly FaultFamily[];
  readonly workload: WorkloadName;
  readonly seed: number;
  readonly out: string;
  readonly runtime: 'real' | 'sim';
  readonly allowAmnesia: boolean;
  readonly concurrency: number;
  readonly basePort?: number;
  /** A schedule.json to run instead of drawing one from the flags. */
  readonly schedule?: string;
  /** A named scenario to run instead of drawing a schedule (storage-loss). */
  readonly scenario?: ScenarioName;
  /** Wall-clock budget of the linearizability search. */
  readonly checkBudgetMs: number;
  /** TEST ONLY: kv-service bug switches every node runs with (through the server's gate). */
  readonly testOnlyBugs?: string;
}

/** A bad flag or combination, reported before anything starts (exit 3). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Longest run `--duration` accepts. */
export const runDurationMsMax = 24 * 3600 * 1000;
/** Clients `--clients` accepts at most. */
export const clientsMax = 256;

/** Parses `60s`, `2m`, `500ms`, `1h` or a plain number of seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) throw new UsageError(`--duration ${text}: expected e.g. 60s, 2m, 500ms`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's']!;
  const ms = Math.round(Number(match[1]) * factor);
  if (ms < 1000 || ms > runDurationMsMax)
    throw new UsageError(`--duration ${text}: must be between 1s and 24h`);
  return ms;
}

/** Parses `--faults a,b,c`; names every unknown family. */
export function parseFaults(text: string): FaultFamily[] {
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const unknown = names.filter((n) => !(faultFamilies as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown fault famil${unknown.length > 1 ? 'ies' : 'y'} ${unknown.join(', ')}; known: ${faultFamilies.join(', ')}`,
    );
  }
  if (names.length === 0) throw new UsageError('--faults names no family');
  return [...new Set(names)] as FaultFamily[];
}

/** Parses `--workload`. */
export function parseWorkload(text: string): WorkloadName {
  if (!(workloadNames as readonly string[]).includes(text)) {
    throw new UsageError(`unknown workload ${text}; known: ${workloadNames.join(', ')}`);
  }
  return text as WorkloadName;
}

/** Parses `--nodes`. */
export function parseNodes(text: string): number {
  const nodes = Number(text);
  if (!nodeCounts.includes(nodes)) throw new UsageError(`--nodes ${text}: must be 3, 5 or 7`);
  return nodes;
}

/** Parses an integer flag within [min, max]. */
export function integerFlag(flag: string, min: number, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new UsageError(`${flag} ${text}: must be an integer in [${min}, ${max}]`);
    }
    return value;
  };
}

/** Parses `--persister`. */
export function parsePersisterFlag(text: string): RunOptions['persister'] {
  if (text !== 'sqlite' && text !== 'level' && text !== 'memory') {
    throw new UsageError(`--persister ${text}: must be sqlite, level or memory`);
  }
  return text;
}

/** Refuses the memory persister unless amnesia was asked for. */
export function checkAmnesia(persister: string, allowAmnesia: boolean): void {
  if (persister === 'memory' && !allowAmnesia) {
    throw new UsageError(
      'the memory persister forgets everything on a crash (amnesia), which Raft does not tolerate; pass --allow-amnesia to run it anyway and expect the checker to find a violation',
    );
  }
}

/** Creates `dir` and proves it writable; refuses a dir that already holds a run. */
export function prepareOutDir(dir: string): void {
  if (existsSync(join(dir, 'schedule.json'))) {
    throw new UsageError(`${dir} already holds a run (schedule.json); choose another --out`);
  }
  const probe = join(dir, '.nemesis-write-probe');
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new UsageError(
      `cannot write to --out ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}
