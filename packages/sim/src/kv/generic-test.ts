// GenericTest and GenericTestSpeed of the kvraft tester (SCENARIOS.md §1.2–1.3): rounds of
// clients appending and reading (fixed or random keys) while a partitioner and crashes run,
// with the per-client append check after each round and the log-size bounds.
import { AssertionError } from '@kvraft/raft-core';
import { appendItem, checkClientAppends } from './append-checks.ts';
import type { KvCluster } from './kv-cluster.ts';
import { kvTiming } from './kv-timing.ts';

/** GenericTest's parameters (the server count and maxraftstate belong to the cluster). */
export interface GenericTestOptions {
  readonly clients: number;
  readonly crash: boolean;
  readonly partitions: boolean;
  readonly randomKeys: boolean;
}

/** A flag the script raises to stop its clients or partitioner. */
interface StopFlag {
  stopped: boolean;
}

/** Runs GenericTest's 3 rounds on `cfg`; throws AssertionError on the first failed check. */
export async function genericTest(cfg: KvCluster, options: GenericTestOptions): Promise<void> {
  const ck = cfg.makeClerk();
  for (let round = 0; round < kvTiming.rounds; round++) {
    const clientsStop: StopFlag = { stopped: false };
    const partitionerStop: StopFlag = { stopped: false };
    // A client's failed check fails the run at once, as t.Fatalf in a client goroutine does.
    const clients = Array.from({ length: options.clients }, (_, cli) =>
      runClient(cfg, cli, options, clientsStop).catch((error: unknown) => {
        cfg.fail(error);
        return 0;
      }),
    );
    let partitioner: Promise<void> = Promise.resolve();
    if (options.partitions) {
      // Allow the clients to perform some operations without interruption first.
      await cfg.sleep(kvTiming.electionTimeoutMs);
      partitioner = runPartitioner(cfg, partitionerStop);
    }
    await cfg.sleep(kvTiming.roundMs);
    clientsStop.stopped = true;
    partitionerStop.stopped = true;
    if (options.partitions) {
      await partitioner;
      // Reconnect so pending requests at a minority leader learn of the newer term and finish.
      cfg.connectAll();
      await cfg.sleep(kvTiming.electionTimeoutMs);
    }
    if (options.crash) await crashAndRestartAll(cfg);
    const counts = await Promise.all(clients);
    for (let i = 0; i < options.clients; i++) {
      const value = await ck.mustGet(String(i));
      if (!options.randomKeys) checkClientAppends(i, value, counts[i]!);
    }
    cfg.checkLogSize();
    cfg.checkNoSnapshot();
  }
}

async function crashAndRestartAll(cfg: KvCluster): Promise<void> {
  for (let i = 0; i < cfg.n; i++) cfg.shutdownServer(i);
  // Wait for a while for servers to shut down, since shutdown isn't a real crash.
  await cfg.sleep(kvTiming.electionTimeoutMs);
  await cfg.restartAll();
}

// One client of a round: returns j, the number of appends (and puts) it made.
async function runClient(
  cfg: KvCluster,
  cli: number,
  options: GenericTestOptions,
  stop: StopFlag,
): Promise<number> {
  const myck = cfg.makeClerk();
  let j = 0;
  let last = '';
  let key = String(cli);
  await myck.mustPut(key, last);
  while (!stop.stopped) {
    if (options.randomKeys) key = String(cfg.random.nextInt(options.clients));
    const item = appendItem(cli, j);
    if (cfg.random.nextInt(1000) < 500) {
      await myck.mustAppend(key, item);
      last += item;
      j++;
    } else if (options.randomKeys && cfg.random.nextInt(1000) < 100) {
      await myck.mustPut(key, item);
      last = item;
      j++;
    } else {
      const value = await myck.mustGet(key);
      if (!options.randomKeys && value !== last) {
        throw new AssertionError(
          `get wrong value, key ${key}: wanted ${last.length} chars, got ${value.length}`,
        );
      }
    }
  }
  return j;
}

async function runPartitioner(cfg: KvCluster, stop: StopFlag): Promise<void> {
  while (!stop.stopped) {
    const groups: [number[], number[]] = [[], []];
    for (let i = 0; i < cfg.n; i++) groups[cfg.random.nextInt(2)]!.push(i);
    cfg.partition(groups[0], groups[1]);
    await cfg.sleep(kvTiming.electionTimeoutMs + cfg.random.nextInt(kvTiming.partitionJitterMs));
  }
}

/** GenericTestSpeed: 1000 sequential appends must average under a third of a heartbeat each. */
export async function genericTestSpeed(cfg: KvCluster): Promise<{ elapsedMs: number }> {
  const ck = cfg.makeClerk();
  // Wait until a leader exists and the service is ready (not recorded, as in the original).
  await mustOk(ck.clerk.get('x'), 'Get(x)');
  const startMs = cfg.nowMs();
  for (let i = 0; i < kvTiming.speedOps; i++) {
    await mustOk(ck.clerk.append('x', appendItem(0, i)), `Append ${i}`);
  }
  const elapsedMs = cfg.nowMs() - startMs;
  const value = await mustOk(ck.clerk.get('x'), 'Get(x)');
  checkClientAppends(0, value ?? '', kvTiming.speedOps);
  const limitMs = (kvTiming.speedOps * kvTiming.heartbeatIntervalMs) / 3;
  if (elapsedMs > limitMs) {
    throw new AssertionError(
      `Operations completed too slowly ${elapsedMs / 1000} s > ${limitMs / 1000} s`,
    );
  }
  return { elapsedMs };
}

async function mustOk<T>(
  pending: Promise<{ ok: true; value: T } | { ok: false; error: string }>,
  what: string,
): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new AssertionError(`${what} did not complete: ${result.error}`);
  return result.value;
}
