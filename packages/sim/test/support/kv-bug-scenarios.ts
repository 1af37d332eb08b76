// A scripted kv scenario aimed at a planted bug GenericTest does not reach within 5 seeds:
// answering a waiting client with another term's entry at its proposal's index. The seed picks
// the timing; the history's linearizability check (runKvScenario) and an explicit read decide.
import { AssertionError } from '@kvraft/raft-core';
import type { KvCluster, TestClerk } from '../../src/index.ts';

/**
 * A leader change under waiting proposals (Log Matching, Raft §5.3): the leader is cut off with
 * one follower while three clients append through it, so its proposals wait at consecutive
 * indexes; the majority elects a leader and fills those indexes with its own no-op and appends;
 * then the partition heals and the old leader applies the new leader's entries there. A correct
 * server answers its waiters Timeout (they retry, and every append lands once); one that matches
 * by index alone answers them ok for appends that were never applied.
 */
export async function leaderChangeUnderWaiters(cfg: KvCluster): Promise<void> {
  const ck = cfg.makeClerk();
  await ck.mustPut('k', '');
  const { majority, minority } = cfg.makePartition();
  cfg.partition(majority, minority);
  const clerks = [0, 1, 2].map(() => cfg.makeClerk(minority));
  const waiting = clerks.map((clerk, c) => clerk.mustAppend('k', `x${c};`));
  await cfg.sleep(100 + cfg.random.nextInt(200));
  const ckMajority = cfg.makeClerk(majority);
  for (let i = 0; i < 5; i++) await ckMajority.mustAppend('k', `y${i};`);
  cfg.connectAll();
  for (const clerk of clerks) cfg.connectClerk(clerk, cfg.all());
  await Promise.all(waiting);
  await checkEveryAppend(ck, ['x0;', 'x1;', 'x2;', 'y0;', 'y1;', 'y2;', 'y3;', 'y4;']);
}

// Every acknowledged append must be in the value exactly once.
async function checkEveryAppend(ck: TestClerk, items: readonly string[]): Promise<void> {
  const value = await ck.mustGet('k');
  for (const item of items) {
    const count = value.split(item).length - 1;
    if (count !== 1) {
      throw new AssertionError(
        `acknowledged append ${item} is in the value ${count} times: ${value}`,
      );
    }
  }
}
