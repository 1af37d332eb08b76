// Goal: a seed replays a run exactly, which is what makes a printed seed worth anything.
// Method: run the same Raft scenario, swarm seed and demo twice and compare everything observable.
import { describe, expect, it } from 'vitest';
import { runDemo, runRaftScenario, runSwarmSeed } from '../src/index.ts';

describe('determinism', () => {
  it('replays a Raft scenario identically from the same seed', async () => {
    const run = () =>
      runRaftScenario(
        { seed: 7, serverCount: 5, unreliable: true, snapshot: true },
        async (cfg) => {
          for (let k = 0; k < 20; k++) await cfg.one(k, 5, true);
          cfg.crash1(0);
          await cfg.one(100, 4, true);
        },
      );
    expect(await run()).toEqual(await run());
  });

  it('replays a swarm seed identically', async () => {
    expect(await runSwarmSeed(12)).toEqual(await runSwarmSeed(12));
  });

  it('replays a storage-fault swarm seed identically, protected or not', async () => {
    for (const storageProtection of [true, false]) {
      const options = { storageFaults: true, storageProtection };
      const first = await runSwarmSeed(22, options);
      expect(first.storageFaultCount).toBeGreaterThan(0);
      expect(await runSwarmSeed(22, options)).toEqual(first);
    }
  });

  it('replays the demo transcript identically', async () => {
    const transcript = async (): Promise<string[]> => {
      const lines: string[] = [];
      await runDemo(3, (line) => lines.push(line));
      return lines;
    };
    const first = await transcript();
    expect(first.length).toBeGreaterThan(10);
    expect(await transcript()).toEqual(first);
  });
});
