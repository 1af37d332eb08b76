// Test-side wrapper around runRaftScenario: picks the seed (SIM_SEED overrides the fixed one),
// measures wall time, prints one summary line per run, and on failure prints the seed and a
// copy-paste replay command. Wall-clock and console live here, never in src/.
import {
  type RaftCluster,
  type RaftScenarioOptions,
  runRaftScenario,
  SimulationFailure,
} from '../../src/index.ts';

/** The fixed seed of a test, unless SIM_SEED is set in the environment. */
export function seedFor(testName: string): number {
  const { SIM_SEED: override } = process.env;
  if (override !== undefined && override !== '') return Number(override);
  let hash = 0x811c9dc5;
  for (let i = 0; i < testName.length; i++) {
    hash = Math.imul(hash ^ testName.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash;
}

/** The command that replays one test with one seed. */
export function replayCommand(testName: string, seed: number): string {
  return `SIM_SEED=${seed} npx vitest run packages/sim -t '${testName}'`;
}

/** Runs one Raft scenario named after its original test; throws with the replay command on failure. */
export async function scenario(
  testName: string,
  options: Omit<RaftScenarioOptions, 'seed'>,
  script: (cluster: RaftCluster) => Promise<void>,
): Promise<void> {
  const seed = seedFor(testName);
  const wallStart = performance.now();
  try {
    const result = await runRaftScenario({ ...options, seed }, script);
    const wallMs = Math.round(performance.now() - wallStart);
    console.log(
      `  ... Passed ${testName}: seed=${seed} virtual=${(result.timeMs / 1000).toFixed(1)}s ` +
        `wall=${wallMs}ms events=${result.eventCount} peers=${options.serverCount} ` +
        `rpcs=${result.rpcTotal} bytes=${result.bytesTotal} committed=${result.maxIndex}`,
    );
  } catch (error) {
    if (!(error instanceof SimulationFailure)) throw error;
    const replay = replayCommand(testName, seed);
    console.error(`FAILED ${testName}: ${error.message}\n  replay: ${replay}`);
    const failure = new Error(`${error.message}\n  replay: ${replay}`, { cause: error.cause });
    if (error.cause instanceof Error && error.cause.stack)
      failure.stack = `${failure.message}\n${error.cause.stack}`;
    throw failure;
  }
}
