// Goal: the issue #12 schedule (stop follower A; 25 appends; stop the other two; wipe B's store;
// start A and B) loses no acknowledged append with storage protection on, and loses them
// without it, so the protection is what makes the difference (FAST'18 PAR). Method: the same
// seed and schedule on a KvCluster with the WatermarkedPersister on and off; the append check
// and the linearizability verdict judge the outcome.
import { describe, expect, it } from 'vitest';
import {
  runKvScenario,
  SimulationFailure,
  type WipedVoterOutcome,
  wipedVoterSchedule,
} from '../src/index.ts';
import { replayCommand, seedFor } from './support/scenario.ts';

const name = 'wiped voter';
const seed = seedFor(name);

async function run(storageProtection: boolean) {
  const seen: WipedVoterOutcome[] = [];
  const options = { seed, serverCount: 3, unreliable: false, maxraftstate: -1, storageProtection };
  const result = await runKvScenario(options, (cfg) =>
    wipedVoterSchedule(cfg, (outcome) => seen.push(outcome)),
  ).catch((error: unknown) => {
    if (!(error instanceof SimulationFailure)) throw error;
    return error;
  });
  return { result, outcome: seen[0] };
}

describe('a store wiped while its node was down (issue #12 schedule)', () => {
  it('with storage protection: no leader without the data, and no acknowledged append lost', async () => {
    const { result, outcome } = await run(true);
    if (result instanceof SimulationFailure) {
      throw new Error(`${result.message}\n  replay: ${replayCommand(name, seed)}`);
    }
    expect(outcome?.lossDetected, 'the watermark finds the wiped store').toBe(true);
    expect(outcome?.leaderWithoutData, 'A and B alone must not elect a leader').toBeNull();
    expect(result.verdict).toBe('ok');
  });

  it('without it: the wiped node elects the lagging one, and acknowledged appends are lost', async () => {
    const { result, outcome } = await run(false);
    expect(outcome?.lossDetected).toBe(false);
    expect(outcome?.leaderWithoutData).toBe(outcome?.lagging);
    expect(result).toBeInstanceOf(SimulationFailure);
    expect((result as SimulationFailure).message).toMatch(/missing element x 0 0 y/);
  });
});
