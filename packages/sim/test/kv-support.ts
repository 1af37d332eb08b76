// Test-side wrapper around runKvScenario (the kv twin of support/scenario.ts): picks the seed
// (SIM_SEED overrides the fixed one), measures wall time, prints one "Passed" line per run and,
// on failure, the seed and a copy-paste replay command. Wall-clock and console live here only.
import {
  type KvCluster,
  type KvScenarioOptions,
  runKvScenario,
  SimulationFailure,
} from '../src/index.ts';
import { replayCommand, seedFor } from './support/scenario.ts';

/** Runs one kv scenario named after its original test; throws with the replay command on failure. */
export async function kvScenario(
  testName: string,
  options: Omit<KvScenarioOptions, 'seed'>,
  script: (cfg: KvCluster) => Promise<void>,
): Promise<void> {
  const seed = seedFor(testName);
  const wallStart = performance.now();
  try {
    const result = await runKvScenario({ ...options, seed }, script);
    const wallMs = Math.round(performance.now() - wallStart);
    console.log(
      `  ... Passed ${testName}: seed=${seed} virtual=${(result.timeMs / 1000).toFixed(1)}s ` +
        `wall=${wallMs}ms events=${result.eventCount} servers=${options.serverCount} ` +
        `rpcs=${result.rpcTotal} ops=${result.opCount} history=${result.historyOperations} ` +
        `linearizable=${result.verdict} logSize=${result.maxLogSize} snapshot=${result.maxSnapshotSize}`,
    );
  } catch (error) {
    if (!(error instanceof SimulationFailure)) throw error;
    const replay = replayCommand(testName, seed);
    console.error(`FAILED ${testName}: ${error.message}\n  replay: ${replay}`);
    const failure = new Error(`${error.message}\n  replay: ${replay}`, { cause: error.cause });
    if (error.cause instanceof Error && error.cause.stack) {
      failure.stack = `${failure.message}\n${error.cause.stack}`;
    }
    throw failure;
  }
}
