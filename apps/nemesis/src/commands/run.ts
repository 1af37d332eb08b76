// `kvraft-nemesis run`: draws a fault schedule from the flags and the seed (or loads one with
// --schedule, or names one with --scenario), checks every flag and combination before anything starts, then plays it on the
// real cluster or, with --runtime sim, on the simulator's virtual time.
import {
  assertPortsFree,
  generateSchedule,
  namedSchedule,
  portsNeeded,
  type Schedule,
  scenarioNames,
  scheduleProblems,
} from '@kvraft/cluster';
import {
  testOnlyBugsEnv,
  testOnlyGateEnv,
  testOnlyGatePhrase,
  testOnlyNoWatermarkEnv,
} from '@kvraft/server';
import { type Command, Option } from 'commander';
import { readSchedule } from '../results/run-dir.ts';
import { type ExecuteDeps, executeRun } from './execute-run.ts';
import {
  checkAmnesia,
  clientsMax,
  integerFlag,
  parseDuration,
  parseFaults,
  parseNodes,
  parsePersisterFlag,
  parseWorkload,
  prepareOutDir,
  type RunOptions,
  UsageError,
} from './run-options.ts';

/** Default wall-clock budget of the linearizability search. */
export const checkBudgetMsDefault = 60_000;

/** Registers `run`. */
export function register(program: Command, deps: ExecuteDeps): void {
  const command = program
    .command('run')
    .description('start a cluster, run clients under a fault schedule, check the history');
  addRunFlags(command).action(
    async (
      flags: Omit<RunOptions, 'seed' | 'durationMs'> & { seed?: number; duration: number },
    ) => {
      // The seed is drawn here, once, and printed: the one place a run is not reproducible.
      const seed = flags.seed ?? Date.now() % 2 ** 31;
      const { duration, ...rest } = flags;
      process.exitCode = await runCommand({ ...rest, durationMs: duration, seed }, deps);
    },
  );
}

/** Adds every flag of `run` to `command`: the run's shape here, the harness's below. */
function addRunFlags(command: Command): Command {
  command
    .addOption(new Option('--nodes <n>', '3 | 5 | 7').argParser(parseNodes).default(3))
    .addOption(
      new Option('--persister <name>', 'sqlite | level | memory')
        .argParser(parsePersisterFlag)
        .default('sqlite'),
    )
    .addOption(
      new Option('--clients <n>', 'concurrent clients')
        .argParser(integerFlag('--clients', 1, clientsMax))
        .default(4),
    )
    .addOption(
      new Option('--duration <time>', 'load duration, e.g. 60s, 2m')
        .argParser(parseDuration)
        .default(60_000, '60s'),
    )
    .addOption(
      new Option('--faults <list>', 'kill,pause,partition,link,disk,restart,transfer,flood')
        .argParser(parseFaults)
        .default(
          ['kill', 'pause', 'partition', 'link', 'restart'],
          'kill,pause,partition,link,restart',
        ),
    )
    .addOption(
      new Option(
        '--workload <name>',
        'append | register | mixed | read-heavy | hot-key | big-values',
      )
        .argParser(parseWorkload)
        .default('append'),
    )
    .addOption(
      new Option('--seed <n>', 'schedule and workload seed').argParser(
        integerFlag('--seed', 0, 2 ** 31),
      ),
    )
    .requiredOption('--out <dir>', 'where the run leaves its files');
  return addHarnessFlags(command);
}

/** Adds the flags of where the schedule comes from and how the harness runs it. */
function addHarnessFlags(command: Command): Command {
  return command
    .addOption(
      new Option('--runtime <name>', 'real | sim').choices(['real', 'sim']).default('real'),
    )
    .option('--allow-amnesia', 'allow the memory persister (a crash forgets everything)', false)
    .addOption(
      new Option('--concurrency <n>', 'fault lanes side by side')
        .argParser(integerFlag('--concurrency', 1, 7))
        .default(1),
    )
    .addOption(
      new Option(
        '--base-port <port>',
        'first of a consecutive port range (default: free ports)',
      ).argParser(integerFlag('--base-port', 1024, 65_535)),
    )
    .option('--schedule <file>', 'run this schedule.json instead of drawing one')
    .addOption(
      new Option('--scenario <name>', 'run a named scenario instead of drawing a schedule')
        .choices([...scenarioNames])
        .conflicts('schedule'),
    )
    .addOption(
      new Option(
        '--test-only-bugs <list>',
        'TEST ONLY: kv-service bug switches for every node, or noAckWatermark',
      ).hideHelp(),
    )
    .addOption(
      new Option('--check-budget-ms <ms>', 'linearizability search budget')
        .argParser(integerFlag('--check-budget-ms', 100, 3_600_000))
        .default(checkBudgetMsDefault),
    );
}

/** Validates, then runs; returns the exit code. UsageError and harness errors become 3. */
export async function runCommand(options: RunOptions, deps: ExecuteDeps): Promise<number> {
  try {
    const schedule = scheduleFor(options);
    if (options.basePort !== undefined && options.runtime === 'real') {
      const count = portsNeeded(schedule.nodes);
      await assertPortsFree(Array.from({ length: count }, (_, i) => options.basePort! + i));
    }
    prepareOutDir(options.out);
    deps.print(
      `kvraft-nemesis run: runtime=${options.runtime} nodes=${schedule.nodes} persister=${schedule.persister} clients=${schedule.clients} ` +
        `duration=${schedule.durationMs / 1000}s faults=${schedule.families.join(',')} workload=${schedule.workload} seed=${schedule.seed}${options.testOnlyBugs === undefined ? '' : ` TEST-ONLY bugs=${options.testOnlyBugs}`}`,
    );
    const execute = {
      runtime: options.runtime,
      out: options.out,
      checkBudgetMs: options.checkBudgetMs,
      ...testOnlyEnv(options),
      ...(options.basePort === undefined ? {} : { basePort: options.basePort }),
    };
    return (await executeRun(schedule, execute, deps)).exitCode;
  } catch (error) {
    return harnessError(error, deps);
  }
}

// TEST ONLY: the environment that opens the server's bug-switch gate (test-only-bugs.ts there).
// `noAckWatermark` is the server's, not kv-service's: it runs nodes without their watermark.
function testOnlyEnv(options: RunOptions): { env?: Record<string, string> } {
  if (options.testOnlyBugs === undefined) return {};
  if (options.runtime === 'sim') throw new UsageError('--test-only-bugs needs the real runtime');
  const named = options.testOnlyBugs.split(',');
  const kvBugs = named.filter((name) => name !== noAckWatermarkBug).join(',');
  return {
    env: {
      ...(kvBugs === '' ? {} : { [testOnlyBugsEnv]: kvBugs }),
      ...(named.includes(noAckWatermarkBug) ? { [testOnlyNoWatermarkEnv]: '1' } : {}),
      [testOnlyGateEnv]: testOnlyGatePhrase,
    },
  };
}

/** The test-only switch that starts nodes without their ack watermark. */
const noAckWatermarkBug = 'noAckWatermark';

/** Prints an error as the one summary line and returns exit code 3. */
export function harnessError(error: unknown, deps: ExecuteDeps): 3 {
  const kind = error instanceof UsageError ? 'usage error' : 'harness error';
  deps.print(`nemesis ERROR (${kind}): ${(error as Error).message}`);
  return 3;
}

function scheduleFor(options: RunOptions): Schedule {
  if (options.schedule !== undefined) {
    let schedule: Schedule;
    try {
      schedule = readSchedule(options.schedule);
    } catch (error) {
      throw new UsageError(`--schedule ${options.schedule}: ${(error as Error).message}`);
    }
    const problems = scheduleProblems(schedule);
    if (problems.length > 0)
      throw new UsageError(`--schedule ${options.schedule}: ${problems.join('; ')}`);
    checkAmnesia(schedule.persister, options.allowAmnesia);
    return schedule;
  }
  checkAmnesia(options.persister, options.allowAmnesia);
  try {
    if (options.scenario !== undefined) return namedSchedule(options.scenario, options);
    return generateSchedule({
      seed: options.seed,
      nodes: options.nodes,
      persister: options.persister,
      clients: options.clients,
      durationMs: options.durationMs,
      workload: options.workload,
      families: options.faults,
      concurrency: options.concurrency,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
