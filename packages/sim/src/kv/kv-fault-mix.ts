// The randomized kv run's fault mix: each seed draws a cluster shape and every fault the kvraft
// tester has (unreliable network, crashes of all servers, partitions, snapshots, random keys,
// both read modes), deterministically from the seed, so a seed names a whole run.
import { createPrng } from '@kvraft/raft-core';
import type { GenericTestOptions } from './generic-test.ts';
import type { KvScenarioOptions } from './kv-scenario.ts';

/** One seed's cluster shape and faults. */
export interface KvFaultMix extends GenericTestOptions {
  readonly servers: number;
  readonly unreliable: boolean;
  readonly maxraftstate: number;
  readonly readMode: 'readindex' | 'log';
  readonly diskLatencyMsMax: number;
}

/** Draws the fault mix of `seed`. */
export function kvFaultMixOf(seed: number): KvFaultMix {
  const random = createPrng(seed).fork();
  const pick = <T>(items: readonly T[]): T => items[random.nextInt(items.length)]!;
  return {
    servers: pick([3, 5, 7]),
    clients: pick([1, 3, 5, 10, 15]),
    unreliable: random.nextInt(2) === 0,
    crash: random.nextInt(2) === 0,
    partitions: random.nextInt(2) === 0,
    randomKeys: random.nextInt(3) === 0,
    maxraftstate: pick([-1, 1000, 400, 4000]),
    readMode: random.nextInt(4) === 0 ? 'log' : 'readindex',
    // Never 0: with a reliable network and an instant disk an operation takes no virtual time,
    // so clients would loop forever at one instant and the round's timer would never fire.
    diskLatencyMsMax: pick([1, 2, 5]),
  };
}

/** The scenario options of a fault mix. */
export function kvScenarioOptionsOf(seed: number, mix: KvFaultMix): KvScenarioOptions {
  return {
    seed,
    serverCount: mix.servers,
    unreliable: mix.unreliable,
    maxraftstate: mix.maxraftstate,
    readMode: mix.readMode,
    diskLatencyMsMax: mix.diskLatencyMsMax,
  };
}

/** One line describing a fault mix. */
export function describeKvFaultMix(mix: KvFaultMix): string {
  const faults = [
    mix.unreliable ? 'unreliable' : 'reliable',
    mix.crash ? 'crash' : null,
    mix.partitions ? 'partitions' : null,
    mix.randomKeys ? 'random-keys' : 'fixed-keys',
  ].filter((part) => part !== null);
  return (
    `servers=${mix.servers} clients=${mix.clients} ${faults.join(' ')} ` +
    `maxraftstate=${mix.maxraftstate} read=${mix.readMode} disk<=${mix.diskLatencyMsMax}ms`
  );
}
