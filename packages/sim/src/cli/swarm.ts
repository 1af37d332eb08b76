// `npm run sim -- --seeds 10000 [--from N] [--seed S] [--verbose]`: runs swarm seeds in order,
// prints a progress line, stops at the first failure with its seed, fault mix and replay
// command, and ends with totals. Wall-clock time and console output live here, not in src/.
import { describeFaultMix, faultMixOf, runSwarmSeed, SimulationFailure } from '../index.ts';

interface SwarmCliOptions {
  readonly from: number;
  readonly count: number;
  readonly verbose: boolean;
}

function parseArguments(argv: readonly string[]): SwarmCliOptions {
  let from = 1;
  let count = 100;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--verbose') {
      verbose = true;
      continue;
    }
    const value = Number(argv[++i]);
    if (flag === '--seeds') count = value;
    else if (flag === '--from') from = value;
    else if (flag === '--seed') {
      from = value;
      count = 1;
      verbose = true;
    } else
      throw new Error(`unknown argument ${flag}; use --seeds N, --from N, --seed S, --verbose`);
  }
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(count) || count < 1) {
    throw new Error('--seeds, --from and --seed need integer values');
  }
  return { from, count, verbose };
}

// raft-core's driver runs its Ready loop as a detached promise; an assertion there surfaces as
// an unhandled rejection, which must fail the seed that caused it rather than crash anonymously.
const detached: { error: unknown } = { error: undefined };
process.on('unhandledRejection', (error) => {
  detached.error ??= error;
});

async function runSeed(seed: number): Promise<{ timeMs: number; eventCount: number }> {
  const result = await runSwarmSeed(seed);
  if (detached.error !== undefined) {
    const cause =
      detached.error instanceof Error ? detached.error : new Error(String(detached.error));
    throw new SimulationFailure(seed, result.timeMs, cause);
  }
  return result;
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  console.log(`swarm: seeds ${options.from}..${options.from + options.count - 1}`);
  const wallStart = performance.now();
  let lastProgress = wallStart;
  let virtualMs = 0;
  let events = 0;
  for (let k = 0; k < options.count; k++) {
    const seed = options.from + k;
    if (options.verbose) console.log(`seed ${seed}: ${describeFaultMix(faultMixOf(seed))}`);
    try {
      const result = await runSeed(seed);
      virtualMs += result.timeMs;
      events += result.eventCount;
    } catch (error) {
      if (!(error instanceof SimulationFailure)) throw error;
      console.error(`\nFAILED seed ${seed} at virtual ${error.timeMs} ms: ${error.message}`);
      console.error(`  fault mix: ${describeFaultMix(faultMixOf(seed))}`);
      console.error(`  replay: npm run sim -- --seed ${seed}`);
      if (error.cause instanceof Error && error.cause.stack) console.error(error.cause.stack);
      summary(k, virtualMs, events, wallStart);
      process.exitCode = 1;
      return;
    }
    if (performance.now() - lastProgress > 2000 || k === options.count - 1) {
      lastProgress = performance.now();
      console.log(`  ${k + 1}/${options.count} seeds passed (last ${seed})`);
    }
  }
  summary(options.count, virtualMs, events, wallStart);
}

function summary(passed: number, virtualMs: number, events: number, wallStart: number): void {
  const wallS = ((performance.now() - wallStart) / 1000).toFixed(1);
  console.log(
    `swarm: ${passed} seeds passed, virtual ${(virtualMs / 1000).toFixed(0)} s, ${events} events, wall ${wallS} s`,
  );
}

await main();
