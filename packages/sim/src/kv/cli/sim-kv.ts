// `npm run sim:kv -- --seeds N [--from N] [--seed S]`: the long randomized kv run. Each seed
// draws a fault mix (servers, clients, unreliable, crashes, partitions, snapshots, random keys,
// read mode), runs GenericTest under it and checks linearizability. The first failure prints its
// seed, mix and a one-line replay command. Wall-clock time and console output live here only.
import { Command, Option } from 'commander';
import { integerIn, seedMax } from '../../cli/integer-flag.ts';
import {
  describeKvFaultMix,
  genericTest,
  kvFaultMixOf,
  kvScenarioOptionsOf,
  runKvScenario,
  SimulationFailure,
} from '../../index.ts';

interface SimKvOptions {
  readonly from: number;
  readonly count: number;
}

// Commander, so --help works and an unknown flag or a bad number exits non-zero with a message.
function parseArguments(argv: readonly string[]): SimKvOptions {
  const program = new Command('sim:kv')
    .description('randomized KV runs under a seeded fault mix, checked for linearizability')
    .addOption(
      new Option('--seeds <n>', 'how many seeds to run')
        .argParser(integerIn(1, seedMax))
        .default(10),
    )
    .addOption(new Option('--from <n>', 'first seed').argParser(integerIn(0, seedMax)).default(1))
    .addOption(new Option('--seed <s>', 'replay one seed').argParser(integerIn(0, seedMax)))
    .showHelpAfterError()
    .parse(argv, { from: 'user' });
  const options = program.opts<{ seeds: number; from: number; seed?: number }>();
  if (options.seed !== undefined) return { from: options.seed, count: 1 };
  return { from: options.from, count: options.seeds };
}

// The Raft driver runs detached Ready loops; an escaped rejection must fail the current seed.
const detached: { error: unknown } = { error: undefined };
process.on('unhandledRejection', (error) => {
  detached.error ??= error;
});

async function runSeed(seed: number): Promise<{ timeMs: number; ops: number; wallMs: number }> {
  const mix = kvFaultMixOf(seed);
  const wallStart = performance.now();
  const result = await runKvScenario(kvScenarioOptionsOf(seed, mix), (cfg) =>
    genericTest(cfg, mix),
  );
  if (detached.error !== undefined) {
    const cause =
      detached.error instanceof Error ? detached.error : new Error(String(detached.error));
    throw new SimulationFailure(seed, result.timeMs, cause);
  }
  return {
    timeMs: result.timeMs,
    ops: result.historyOperations,
    wallMs: performance.now() - wallStart,
  };
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  console.log(`sim:kv: seeds ${options.from}..${options.from + options.count - 1}`);
  const totals = { virtualMs: 0, ops: 0, wallStart: performance.now() };
  for (let k = 0; k < options.count; k++) {
    const seed = options.from + k;
    const mix = kvFaultMixOf(seed);
    try {
      const run = await runSeed(seed);
      totals.virtualMs += run.timeMs;
      totals.ops += run.ops;
      console.log(
        `seed ${seed} ok: ${describeKvFaultMix(mix)} virtual=${(run.timeMs / 1000).toFixed(1)}s ` +
          `ops=${run.ops} wall=${(run.wallMs / 1000).toFixed(1)}s`,
      );
    } catch (error) {
      if (!(error instanceof SimulationFailure)) throw error;
      console.error(`\nFAILED seed ${seed} at virtual ${error.timeMs} ms: ${error.message}`);
      console.error(`  fault mix: ${describeKvFaultMix(mix)}`);
      console.error(`  replay: npm run sim:kv -- --seed ${seed}`);
      if (error.cause instanceof Error && error.cause.stack) console.error(error.cause.stack);
      process.exitCode = 1;
      break;
    }
  }
  const wallS = (performance.now() - totals.wallStart) / 1000;
  console.log(
    `sim:kv: virtual ${(totals.virtualMs / 1000).toFixed(0)} s, ${totals.ops} ops checked, ` +
      `wall ${wallS.toFixed(0)} s`,
  );
}

// NB: not `void main()`: the unhandledRejection hook above would swallow a failure of main
// itself, and the run would exit 0 having done nothing.
try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
