// The child process of the crash suite: opens a store through the adapter's child module and
// issues seeded random saves until it is SIGKILLed, printing `ack <n>` once save n is durable.
// The suite writes an entry file that imports the adapter's module and calls runCrashChild.
// Protocol (stdin/stdout lines): prints `ready`; reads `go <dir> <seed> <inflight>`; prints
// `opened`, then `ack 1`, `ack 2`, ... Writes to a pipe are synchronous on Linux, so a printed
// ack reaches the parent even if the kill comes right after.
import { createInterface } from 'node:readline';
import type { Persister } from '../driver/ports.ts';
import { createPrng } from '../prng.ts';
import { entryBytes, hardStateBytes } from '../types.ts';
import { PersistModel } from './persist-model.ts';
import { nextSaveUpdate, type SaveWorkloadOptions } from './persist-workload.ts';

/** What an adapter's child module exports for the crash suite. */
export interface CrashChildModule {
  /** Opens (creating if needed) the adapter's store in `dir`. */
  openPersister(dir: string): Promise<Persister>;
}

/** Builds a model holding a loaded state. */
export function modelOf(state: Awaited<ReturnType<Persister['load']>>): PersistModel {
  const model = new PersistModel();
  model.hardState = state.hardState;
  model.snapshot = state.snapshot;
  model.entries = [...state.entries];
  model.raftStateSize = model.entries.reduce((sum, e) => sum + entryBytes(e), hardStateBytes);
  return model;
}

async function run(
  store: Persister,
  seed: number,
  inflightMax: number,
  workload: SaveWorkloadOptions,
): Promise<never> {
  const model = modelOf(await store.load());
  const prng = createPrng(seed);
  process.stdout.write('opened\n');
  let issued = 0;
  let inflight = 0;
  let wake: () => void = () => undefined;
  for (;;) {
    while (inflight >= inflightMax) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    const update = nextSaveUpdate(prng, model, workload);
    model.apply(update);
    const n = ++issued;
    inflight++;
    void store.save(update).then(() => {
      process.stdout.write(`ack ${n}\n`);
      inflight--;
      wake();
    });
  }
}

/** Runs the child protocol against `adapter` until killed; the launcher entry calls it. */
export async function runCrashChild(adapter: CrashChildModule): Promise<void> {
  const workload = JSON.parse(process.argv[2] ?? '{}') as SaveWorkloadOptions;
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [command, dir, seed, inflight] = line.split(' ');
    if (command !== 'go' || dir === undefined) continue;
    const store = await adapter.openPersister(dir);
    await run(store, Number(seed), Number(inflight), workload);
  }
}
