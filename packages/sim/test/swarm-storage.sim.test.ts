// Goal: the swarm explores storage faults (a lost tail, a flipped record found at open, a lost
// term and vote) with every invariant on, stays safe and live with storage protection on, and
// finds the loss with it off, so the invariants can see what the protection prevents (issue
// #12; Alagappan et al., FAST 2018). Method: a fixed range of storage-fault seeds with the
// WatermarkedPersister on (SIM_SEED runs just one); then seeds from 1 with it off until the
// swarm has found both losses, a forgotten vote (two leaders in a term) and a lost committed
// entry, each within a bound; each such seed must pass with the protection on.
import { describe, expect, it } from 'vitest';
import {
  describeFaultMix,
  faultMixOf,
  runSwarmSeed,
  SimulationFailure,
  type SwarmOptions,
  swarmReplayCommand,
} from '../src/index.ts';

const protectedSeeds = 200;
const chunkSize = 100;
/** Seeds the unprotected swarm may search (it needed 30 and 49 when this was written). */
const unprotectedSeedsMax = 200;
/** The two losses the unprotected swarm must find: each kind of violation's message. */
const losses = {
  vote: /two leaders/,
  entry:
    /lacks committed index|different entry at committed index|committed as term|committed values do not match|apply error/,
} as const;
const protectedRun: SwarmOptions = { storageFaults: true, storageProtection: true };
const unprotectedRun: SwarmOptions = { storageFaults: true, storageProtection: false };
const { SIM_SEED: seedOverride } = process.env;
const chunks =
  seedOverride !== undefined && seedOverride !== ''
    ? [{ from: Number(seedOverride), count: 1 }]
    : Array.from({ length: protectedSeeds / chunkSize }, (_, k) => ({
        from: 1 + k * chunkSize,
        count: chunkSize,
      }));
// Each chunk runs ~100 seeds of a few virtual seconds; allow a slow, shared machine.
const chunkTimeoutMs = 120_000;

// SIM_SEED replays a seed through the protected chunk only, so only that run offers it.
function replay(seed: number, options: SwarmOptions): string {
  const command = swarmReplayCommand(seed, options);
  if (options.storageProtection === false) return command;
  return `${command}   (or SIM_SEED=${seed} npx vitest run packages/sim/test/swarm-storage.sim.test.ts)`;
}

describe('swarm with storage faults', () => {
  it.each(chunks)(
    'keeps Raft safe and live with storage protection on for $count seeds from seed $from',
    async ({ from, count }) => {
      const wallStart = performance.now();
      const totals = { faults: 0, detected: 0, maxIndex: 0 };
      for (let seed = from; seed < from + count; seed++) {
        try {
          const result = await runSwarmSeed(seed, protectedRun);
          totals.faults += result.storageFaultCount;
          totals.detected += result.detectedLossCount;
          totals.maxIndex += result.maxIndex;
        } catch (error) {
          if (!(error instanceof SimulationFailure)) throw error;
          const line = replay(seed, protectedRun);
          console.error(
            `FAILED storage swarm seed ${seed}: ${describeFaultMix(faultMixOf(seed, protectedRun))}\n  replay: ${line}`,
          );
          throw new Error(`${error.message}\n  replay: ${line}`, { cause: error.cause });
        }
      }
      const wallMs = Math.round(performance.now() - wallStart);
      console.log(
        `  storage swarm seeds ${from}..${from + count - 1}: ${totals.faults} stores damaged, ${totals.detected} losses detected, wall=${wallMs}ms`,
      );
      expect(totals.maxIndex).toBeGreaterThanOrEqual(count);
      // The range really damaged stores, and the watermark really found losses.
      if (count >= chunkSize) {
        expect(totals.faults).toBeGreaterThan(count / 4);
        expect(totals.detected).toBeGreaterThan(0);
      }
    },
    chunkTimeoutMs,
  );

  it(
    'finds a forgotten vote and a lost committed entry with storage protection off',
    async () => {
      const found = new Map<keyof typeof losses, { seed: number; message: string }>();
      for (let seed = 1; seed <= unprotectedSeedsMax && found.size < 2; seed++) {
        try {
          await runSwarmSeed(seed, unprotectedRun);
        } catch (error) {
          if (!(error instanceof SimulationFailure)) throw error;
          expect(error.message).toMatch(/invariant violated|apply error/);
          expect(error.message).toMatch(/store damaged: node \d/);
          for (const [kind, pattern] of Object.entries(losses) as [keyof typeof losses, RegExp][]) {
            if (!found.has(kind) && pattern.test(error.message)) {
              found.set(kind, { seed, message: error.message.split('\n')[0]! });
            }
          }
        }
      }
      for (const kind of Object.keys(losses) as (keyof typeof losses)[]) {
        const hit = found.get(kind);
        expect(
          hit,
          `no ${kind} loss within ${unprotectedSeedsMax} unprotected seeds`,
        ).toBeDefined();
        console.log(
          `  unprotected swarm found the ${kind} loss at seed ${hit!.seed}: ${hit!.message}\n  replay: ${replay(hit!.seed, unprotectedRun)}`,
        );
        // The same faults with the watermark on: caught at boot, and the seed passes.
        const same = await runSwarmSeed(hit!.seed, protectedRun);
        expect(same.detectedLossCount).toBeGreaterThan(0);
      }
    },
    chunkTimeoutMs,
  );
});
