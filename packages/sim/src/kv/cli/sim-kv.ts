// `npm run sim:kv -- --seeds N [--from N] [--seed S]`: the long randomized kv run. Each seed
// draws a fault mix (servers, clients, unreliable, crashes, partitions, snapshots, random keys,
// read mode), runs GenericTest under it and checks linearizability. The first failure prints its
// seed, mix and a one-line replay command. Wall-clock time and console output live here only.
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

function parseArguments(argv: readonly string[]): SimKvOptions {
  let from = 1;
  let count = 10;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = Number(argv[++i]);
    if (flag === '--seeds') count = value;
    else if (flag === '--from') from = value;
    else if (flag === '--seed') {
      from = value;
      count = 1;
    } else throw new Error(`unknown argument ${flag}; use --seeds N, --from N, --seed S`);
  }
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(count) || count < 1) {
    throw new Error('--seeds, --from and --seed need integer values');
  }
  return { from, count };
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

void main();
