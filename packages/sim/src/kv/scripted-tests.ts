// The kvraft tests that are scripts rather than GenericTest (SCENARIOS.md §1.5–1.6):
// UnreliableOneKey, OnePartition (its three parts), SnapshotRPC and SnapshotSize. Each throws
// AssertionError on the first failed check.
import { AssertionError } from '@kvraft/raft-core';
import { appendItem, checkConcurrentAppends } from './append-checks.ts';
import type { KvCluster } from './kv-cluster.ts';
import { kvTiming } from './kv-timing.ts';
import type { TestClerk } from './test-clerk.ts';

/** The tester's check(): Get(key) must return `value`. */
export async function checkValue(ck: TestClerk, key: string, value: string): Promise<void> {
  const got = await ck.mustGet(key);
  if (got !== value) {
    throw new AssertionError(
      `Get(${key}): expected ${JSON.stringify(value)}, got ${JSON.stringify(got)}`,
    );
  }
}

/** TestUnreliableOneKey3A: 5 clients × 10 appends to one key; each client's items once, in order. */
export async function unreliableOneKey(cfg: KvCluster): Promise<void> {
  const ck = cfg.makeClerk();
  await ck.mustPut('k', '');
  const clients = 5;
  const upto = 10;
  await Promise.all(
    Array.from({ length: clients }, async (_, me) => {
      const myck = cfg.makeClerk();
      for (let n = 0; n < upto; n++) await myck.mustAppend('k', appendItem(me, n));
    }),
  );
  const value = await ck.mustGet('k');
  checkConcurrentAppends(value, new Array<number>(clients).fill(upto));
}

/** A clerk operation running in the background, observable without blocking. */
interface Background {
  done: boolean;
  readonly finished: Promise<void>;
}

function background(operation: Promise<unknown>): Background {
  const state = { done: false } as { done: boolean };
  const finished = operation.then(() => {
    state.done = true;
  });
  return Object.assign(state, { finished });
}

/** TestOnePartition3A: progress in majority, no progress in minority, completion after heal. */
export async function onePartition(cfg: KvCluster): Promise<void> {
  const ck = cfg.makeClerk();
  await ck.mustPut('1', '13');
  // Part 1: progress in majority.
  const { majority, minority } = cfg.makePartition();
  cfg.partition(majority, minority);
  const ckp1 = cfg.makeClerk(majority);
  const ckp2a = cfg.makeClerk(minority);
  const ckp2b = cfg.makeClerk(minority);
  await ckp1.mustPut('1', '14');
  await checkValue(ckp1, '1', '14');
  // Part 2: no progress in minority; neither operation may finish within 1 s.
  const put = background(ckp2a.mustPut('1', '15'));
  const get = background(ckp2b.mustGet('1'));
  await cfg.sleep(kvTiming.minorityWindowMs);
  if (put.done) throw new AssertionError('Put in minority completed');
  if (get.done) throw new AssertionError('Get in minority completed');
  await checkValue(ckp1, '1', '14');
  await ckp1.mustPut('1', '16');
  await checkValue(ckp1, '1', '16');
  // Part 3: completion after heal; the waiting Put must finish within 3 s.
  cfg.connectAll();
  cfg.connectClerk(ckp2a, cfg.all());
  cfg.connectClerk(ckp2b, cfg.all());
  await cfg.sleep(kvTiming.electionTimeoutMs);
  const deadline = cfg.nowMs() + kvTiming.healCompletionMs;
  while (!put.done && cfg.nowMs() < deadline) await cfg.sleep(10);
  if (!put.done) throw new AssertionError('Put did not complete');
  // The waiting Get is only polled, as in the original.
  await checkValue(ck, '1', '15');
  await get.finished;
}

/** TestSnapshotRPC3B: the majority compacts without the lagging server, which then catches up. */
export async function snapshotRpc(cfg: KvCluster, maxraftstate: number): Promise<void> {
  const ck = cfg.makeClerk();
  await ck.mustPut('a', 'A');
  await checkValue(ck, 'a', 'A');
  cfg.partition([0, 1], [2]);
  const ck1 = cfg.makeClerk([0, 1]);
  for (let i = 0; i < 50; i++) await ck1.mustPut(String(i), String(i));
  await cfg.sleep(kvTiming.electionTimeoutMs);
  await ck1.mustPut('b', 'B');
  // The majority must have thrown away most of its log.
  const size = cfg.logSize();
  if (size > 8 * maxraftstate) {
    throw new AssertionError(`logs were not trimmed (${size} > 8*${maxraftstate})`);
  }
  // A group that needs the lagging server, which must catch up (by InstallSnapshot).
  cfg.partition([0, 2], [1]);
  const ck2 = cfg.makeClerk([0, 2]);
  await ck2.mustPut('c', 'C');
  await ck2.mustPut('d', 'D');
  await checkValue(ck2, 'a', 'A');
  await checkValue(ck2, 'b', 'B');
  await checkValue(ck2, '1', '1');
  await checkValue(ck2, '49', '49');
  // Now everybody.
  cfg.partition([0, 1, 2], []);
  await ck.mustPut('e', 'E');
  await checkValue(ck, 'c', 'C');
  await checkValue(ck, 'e', 'E');
  await checkValue(ck, '1', '1');
}

/** TestSnapshotSize3B: 800 ops on one key; the log is trimmed and the snapshot stays small. */
export async function snapshotSize(cfg: KvCluster, maxraftstate: number): Promise<void> {
  const ck = cfg.makeClerk();
  for (let i = 0; i < 200; i++) {
    await ck.mustPut('x', '0');
    await checkValue(ck, 'x', '0');
    await ck.mustPut('x', '1');
    await checkValue(ck, 'x', '1');
  }
  const size = cfg.logSize();
  if (size > 8 * maxraftstate) {
    throw new AssertionError(`logs were not trimmed (${size} > 8*${maxraftstate})`);
  }
  const snapshotBytes = cfg.snapshotSize();
  if (snapshotBytes > kvTiming.snapshotBytesMax) {
    throw new AssertionError(
      `snapshot too large (${snapshotBytes} > ${kvTiming.snapshotBytesMax})`,
    );
  }
}
