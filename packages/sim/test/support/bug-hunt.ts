// Test-side search for a planted bug: runs seeds 1..seedsMax with the bug on until one fails,
// checks the failure is the expected kind, prints its seed and replay command, and then requires
// every seed up to it (or, for costly runs, that seed) to pass with the bug off, so the finding
// is the bug's and not the seed's.
// SIM_SEED runs just that seed. Wall-clock and console live here, never in src/.
import { expect } from 'vitest';
import { SimulationFailure } from '../../src/index.ts';

/** One planted bug's search: how to run a seed with the bug on or off, and what it must show. */
export interface BugHunt {
  /** The switch's name, for messages. */
  readonly name: string;
  /** Runs one seed; rejects with SimulationFailure when a check fails. */
  readonly run: (seed: number, bugOn: boolean) => Promise<unknown>;
  /** The failure the bug must cause (the check that catches it). */
  readonly expected: RegExp;
  /** The command that replays `seed` with the bug on. */
  readonly replay: (seed: number) => string;
  /** Seeds to search (default 20). */
  readonly seedsMax?: number;
  /** Which seeds must pass with the bug off: every one up to the finding seed (default), or it. */
  readonly offSeeds?: 'upToFound' | 'found';
}

/** Finds the first seed whose run fails with the bug on; returns it (fails the test if none). */
export async function huntBug(hunt: BugHunt): Promise<number> {
  const { SIM_SEED: override } = process.env;
  const only = override !== undefined && override !== '' ? Number(override) : undefined;
  const seedsMax = hunt.seedsMax ?? 20;
  const seeds = only === undefined ? Array.from({ length: seedsMax }, (_, k) => k + 1) : [only];
  for (const seed of seeds) {
    const message = await failureOf(() => hunt.run(seed, true));
    if (message === null) continue;
    console.log(
      `  ${hunt.name}: caught at seed ${seed}: ${message.split('\n')[0]!.slice(0, 160)}\n  replay: ${hunt.replay(seed)}`,
    );
    expect(message).toMatch(hunt.expected);
    const offSeeds = hunt.offSeeds === 'found' ? [seed] : seeds.filter((s) => s <= seed);
    for (const clean of offSeeds) {
      const without = await failureOf(() => hunt.run(clean, false));
      expect(without, `${hunt.name} off, seed ${clean}`).toBeNull();
    }
    return seed;
  }
  throw new Error(`${hunt.name}: not caught within seeds ${seeds.join(',')}`);
}

async function failureOf(run: () => Promise<unknown>): Promise<string | null> {
  try {
    await run();
    return null;
  } catch (error) {
    if (!(error instanceof SimulationFailure)) throw error;
    return error.message;
  }
}
