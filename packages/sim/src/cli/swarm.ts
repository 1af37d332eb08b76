// `npm run sim -- --seeds 10000 [--from N] [--seed S] [--verbose] [--storage-faults]
// [--no-storage-protection] [--raft-bug NAME]...`: runs swarm seeds in order, prints a progress
// line, stops at the first failure with its seed, fault mix and replay command, and ends with
// totals. Wall-clock time and console output live here, not in src/. --raft-bug (TEST ONLY) runs
// every node with one of raft-core's deliberate bugs, to replay what raft-bugs.sim.test.ts found.

import { type RaftBugs, raftBugNames } from '@kvraft/raft-core/testing/bugs';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  describeFaultMix,
  faultMixOf,
  runSwarmSeed,
  SimulationFailure,
  type SwarmOptions,
  swarmReplayCommand,
} from '../index.ts';
import { integerIn, seedMax } from './integer-flag.ts';

interface SwarmCliOptions {
  readonly from: number;
  readonly count: number;
  readonly verbose: boolean;
  readonly swarm: SwarmOptions;
}

// Collects repeated --raft-bug flags; an unknown name is an error (exit 1) listing the known ones.
function raftBugName(name: string, known: string[] = []): string[] {
  if (!(raftBugNames as readonly string[]).includes(name)) {
    throw new InvalidArgumentError(`unknown bug '${name}'; known: ${raftBugNames.join(', ')}`);
  }
  return [...known, name];
}

// Commander, so --help works and an unknown flag or a bad number exits non-zero with a message.
function parseArguments(argv: readonly string[]): SwarmCliOptions {
  const program = new Command('sim')
    .description('randomized swarm: a fault mix drawn per seed, invariants after every step')
    .addOption(
      new Option('--seeds <n>', 'how many seeds to run')
        .argParser(integerIn(1, seedMax))
        .default(100),
    )
    .addOption(new Option('--from <n>', 'first seed').argParser(integerIn(0, seedMax)).default(1))
    .addOption(
      new Option('--seed <s>', 'replay one seed, verbosely').argParser(integerIn(0, seedMax)),
    )
    .option('--verbose', "print each seed's fault mix", false)
    .option('--storage-faults', 'damage stores at restarts (lost tail, flipped record, lost vote)')
    .option(
      '--no-storage-protection',
      'run stores without the ack watermark, so a damaged store is trusted (finds the loss)',
    )
    .addOption(
      new Option(
        '--raft-bug <name>',
        'TEST ONLY: run every node with this deliberate Raft bug',
      ).argParser(raftBugName),
    )
    .showHelpAfterError()
    .parse(argv, { from: 'user' });
  const options = program.opts<{
    seeds: number;
    from: number;
    seed?: number;
    verbose: boolean;
    storageFaults?: boolean;
    storageProtection: boolean;
    raftBug?: string[];
  }>();
  const raftBugs: Record<string, boolean> = {};
  for (const name of options.raftBug ?? []) raftBugs[name] = true;
  const swarm: SwarmOptions = {
    storageFaults: options.storageFaults === true,
    storageProtection: options.storageProtection,
    ...(options.raftBug === undefined ? {} : { raftBugs: raftBugs as RaftBugs }),
  };
  if (options.seed !== undefined) return { from: options.seed, count: 1, verbose: true, swarm };
  return { from: options.from, count: options.seeds, verbose: options.verbose, swarm };
}

// raft-core's driver runs its Ready loop as a detached promise; an assertion there surfaces as
// an unhandled rejection, which must fail the seed that caused it rather than crash anonymously.
const detached: { error: unknown } = { error: undefined };
process.on('unhandledRejection', (error) => {
  detached.error ??= error;
});

async function runSeed(
  seed: number,
  swarm: SwarmOptions,
): Promise<{
  timeMs: number;
  eventCount: number;
  churnCount: number;
  storageFaultCount: number;
  detectedLossCount: number;
}> {
  const result = await runSwarmSeed(seed, swarm);
  if (detached.error !== undefined) {
    const cause =
      detached.error instanceof Error ? detached.error : new Error(String(detached.error));
    throw new SimulationFailure(seed, result.timeMs, cause);
  }
  return result;
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const { swarm } = options;
  const mode = swarm.storageFaults
    ? `, storage faults, protection ${swarm.storageProtection === false ? 'off' : 'on'}`
    : '';
  console.log(`swarm: seeds ${options.from}..${options.from + options.count - 1}${mode}`);
  const wallStart = performance.now();
  let lastProgress = wallStart;
  let virtualMs = 0;
  let events = 0;
  const churn = { seeds: 0, changes: 0 };
  const storage = { faults: 0, detected: 0 };
  for (let k = 0; k < options.count; k++) {
    const seed = options.from + k;
    if (options.verbose) console.log(`seed ${seed}: ${describeFaultMix(faultMixOf(seed, swarm))}`);
    try {
      const result = await runSeed(seed, swarm);
      virtualMs += result.timeMs;
      events += result.eventCount;
      if (faultMixOf(seed, swarm).membership) churn.seeds++;
      churn.changes += result.churnCount;
      storage.faults += result.storageFaultCount;
      storage.detected += result.detectedLossCount;
    } catch (error) {
      if (!(error instanceof SimulationFailure)) throw error;
      console.error(`\nFAILED seed ${seed} at virtual ${error.timeMs} ms: ${error.message}`);
      console.error(`  fault mix: ${describeFaultMix(faultMixOf(seed, swarm))}`);
      console.error(`  replay: ${swarmReplayCommand(seed, swarm)}`);
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
  console.log(
    `swarm: membership churn in ${churn.seeds} seeds, ${churn.changes} changes accepted by leaders`,
  );
  if (swarm.storageFaults) {
    console.log(
      `swarm: ${storage.faults} stores damaged, ${storage.detected} losses detected at boot by the watermark`,
    );
  }
}

function summary(passed: number, virtualMs: number, events: number, wallStart: number): void {
  const wallS = ((performance.now() - wallStart) / 1000).toFixed(1);
  console.log(
    `swarm: ${passed} seeds passed, virtual ${(virtualMs / 1000).toFixed(0)} s, ${events} events, wall ${wallS} s`,
  );
}

await main();
