// Goal: Raft stays safe under every fault mix the swarm draws, and live once healed. Method: run
// a fixed range of swarm seeds (SIM_SEED runs just one); each seed checks Election Safety, Log
// Matching, Leader Completeness, State Machine Safety, monotonic commit and exact apply order
// after every event, then a liveness phase; the ack watermark (on by default) must find no loss
// after an ordinary crash. A failure prints its seed, fault mix and replay.
import { describe, expect, it } from 'vitest';
import { describeFaultMix, faultMixOf, runSwarmSeed, SimulationFailure } from '../src/index.ts';

const seedCount = 250;
const chunkSize = 50;
const { SIM_SEED: seedOverride } = process.env;
const chunks =
  seedOverride !== undefined && seedOverride !== ''
    ? [{ from: Number(seedOverride), count: 1 }]
    : Array.from({ length: seedCount / chunkSize }, (_, k) => ({
        from: 1 + k * chunkSize,
        count: chunkSize,
      }));

describe('swarm', () => {
  it.each(chunks)('keeps Raft safe and live for $count seeds from seed $from', async ({
    from,
    count,
  }) => {
    const wallStart = performance.now();
    let virtualMs = 0;
    let maxIndexTotal = 0;
    for (let seed = from; seed < from + count; seed++) {
      try {
        const result = await runSwarmSeed(seed);
        virtualMs += result.timeMs;
        maxIndexTotal += result.maxIndex;
        // Ordinary crashes of stores whose saves were durable never look like a loss.
        expect(result.detectedLossCount, `seed ${seed}`).toBe(0);
      } catch (error) {
        if (!(error instanceof SimulationFailure)) throw error;
        const replay = `npm run sim -- --seed ${seed}   (or SIM_SEED=${seed} npx vitest run packages/sim -t swarm)`;
        console.error(
          `FAILED swarm seed ${seed}: ${describeFaultMix(faultMixOf(seed))}\n  replay: ${replay}`,
        );
        throw new Error(`${error.message}\n  replay: ${replay}`, { cause: error.cause });
      }
    }
    const wallMs = Math.round(performance.now() - wallStart);
    console.log(
      `  swarm seeds ${from}..${from + count - 1}: virtual=${(virtualMs / 1000).toFixed(0)}s wall=${wallMs}ms`,
    );
    // Every seed commits work: the clients' proposals plus the liveness command at least.
    expect(maxIndexTotal).toBeGreaterThanOrEqual(count);
  });
});
