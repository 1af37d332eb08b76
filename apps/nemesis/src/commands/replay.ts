// `kvraft-nemesis replay DIR`: reruns DIR's schedule.json (same seed, same steps) into a new out
// dir, on the runtime the original run used unless --runtime says otherwise.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { readResults, readSchedule } from '../results/run-dir.ts';
import { type ExecuteDeps, executeRun } from './execute-run.ts';
import { checkBudgetMsDefault, harnessError } from './run.ts';
import { checkAmnesia, prepareOutDir, UsageError } from './run-options.ts';

/** Flags of `replay`. */
export interface ReplayOptions {
  readonly out?: string;
  readonly runtime?: 'real' | 'sim';
  readonly allowAmnesia: boolean;
}

/** Registers `replay`. */
export function register(program: Command, deps: ExecuteDeps): void {
  program
    .command('replay <dir>')
    .description("rerun a recorded run's schedule")
    .option('--out <dir>', 'where the replay leaves its files (default DIR/replay-N)')
    .addOption(new Option('--runtime <name>', 'real | sim').choices(['real', 'sim']))
    .option('--allow-amnesia', 'allow the memory persister', false)
    .action(async (dir: string, flags: ReplayOptions) => {
      process.exitCode = await replayCommand(dir, flags, deps);
    });
}

/** Replays DIR; returns the exit code. */
export async function replayCommand(
  dir: string,
  flags: ReplayOptions,
  deps: ExecuteDeps,
): Promise<number> {
  try {
    const path = join(dir, 'schedule.json');
    if (!existsSync(path)) throw new UsageError(`${dir} holds no schedule.json`);
    const schedule = readSchedule(path);
    checkAmnesia(schedule.persister, flags.allowAmnesia || schedule.persister === 'memory');
    const runtime =
      flags.runtime ?? (existsSync(join(dir, 'results.json')) ? readResults(dir).runtime : 'real');
    const out = flags.out ?? firstFreeReplayDir(dir);
    prepareOutDir(out);
    deps.print(`kvraft-nemesis replay ${dir}: runtime=${runtime} seed=${schedule.seed} out=${out}`);
    return (await executeRun(schedule, { runtime, out, checkBudgetMs: checkBudgetMsDefault }, deps))
      .exitCode;
  } catch (error) {
    return harnessError(error, deps);
  }
}

// Replay dirs sit inside the run they replay: DIR/replay-1, DIR/replay-2, …
function firstFreeReplayDir(dir: string): string {
  for (let n = 1; n < 1000; n++) {
    const candidate = join(dir, `replay-${n}`);
    if (!existsSync(candidate)) return candidate;
  }
  throw new UsageError(`${dir} has 999 replays already`);
}
