// The demo's story: a 5-node cluster elects a leader, commits, loses its leader to a partition,
// re-elects, heals, survives a crash and restart, and compacts its log with snapshots (a lagging
// node catches up by InstallSnapshot). It narrates through `print` with virtual timestamps and
// returns a summary. Deterministic: the seed decides everything; the CLI only prints.
import { createPrng, describeMessage, type NodeId, type Term } from '@kvraft/raft-core';
import { RaftCluster } from './raft-cluster.ts';
import { Scheduler, schedulerLimitsDefault } from './scheduler.ts';

/** What happened in a demo run. */
export interface DemoSummary {
  readonly seed: number;
  readonly timeMs: number;
  readonly maxTerm: Term;
  /** Each term that had a leader, with that leader. */
  readonly leaders: ReadonlyArray<{ term: Term; leader: NodeId }>;
  readonly committedIndex: number;
  readonly sentCount: number;
  readonly deliveredCount: number;
  readonly droppedCount: number;
  readonly installSnapshotCount: number;
}

const serverCount = 5;

/** Runs the demo story for `seed`, narrating each step and every role change through `print`. */
export async function runDemo(seed: number, print: (line: string) => void): Promise<DemoSummary> {
  const scheduler = new Scheduler();
  const prng = createPrng(seed);
  const leaders: Array<{ term: Term; leader: NodeId }> = [];
  let installSnapshotCount = 0;
  let summary: DemoSummary | null = null;
  const say = (text: string): void =>
    print(`[${(scheduler.nowMs / 1000).toFixed(3).padStart(7)}s] ${text}`);
  const body = async (): Promise<void> => {
    const cfg = await RaftCluster.create({
      scheduler,
      prng,
      serverCount,
      unreliable: false,
      snapshot: true,
    });
    cfg.network.tap = (event) => {
      if (event.kind === 'deliver' && event.message.type === 'InstallSnapshot') {
        installSnapshotCount++;
        say(`network: ${describeMessage(event.message)}`);
      }
    };
    const roles = cfg.nodes.map(() => '');
    scheduler.observe(() => narrateRoles(cfg, roles, leaders, say));
    await story(cfg, say);
    cfg.cleanup();
    const stats = cfg.network.stats;
    summary = {
      seed,
      timeMs: scheduler.nowMs,
      maxTerm: Math.max(0, ...leaders.map((l) => l.term)),
      leaders,
      committedIndex: cfg.applied.maxIndex,
      sentCount: stats.sentCount,
      deliveredCount: stats.deliveredCount,
      droppedCount: stats.droppedCount,
      installSnapshotCount,
    };
  };
  await scheduler.run(body, schedulerLimitsDefault);
  return summary!;
}

function narrateRoles(
  cfg: RaftCluster,
  roles: string[],
  leaders: Array<{ term: Term; leader: NodeId }>,
  say: (text: string) => void,
): void {
  for (let i = 0; i < cfg.n; i++) {
    const node = cfg.nodes[i];
    const role = node ? `${node.status().role}@${node.status().term}` : 'down';
    if (roles[i] === role) continue;
    roles[i] = role;
    if (node === null || node === undefined) continue;
    const { term } = node.status();
    if (role.startsWith('leader')) {
      leaders.push({ term, leader: i });
      say(`n${i} becomes leader in term ${term}`);
    } else if (role.startsWith('candidate')) {
      say(`n${i} starts an election for term ${term}`);
    }
  }
}

async function story(cfg: RaftCluster, say: (text: string) => void): Promise<void> {
  let command = 1;
  const commit = async (expected: number, quiet = false): Promise<void> => {
    const value = command++;
    const index = await cfg.one(value, expected, true);
    if (quiet) return;
    say(`command ${value} committed at index ${index} on ${cfg.nCommitted(index).count} nodes`);
  };
  say('== 1. five nodes boot; waiting for an election');
  const leader1 = await cfg.checkOneLeader();
  say(`== 2. n${leader1} leads; committing three commands`);
  for (let k = 0; k < 3; k++) await commit(serverCount);
  say(`== 3. partition: n${leader1} is cut off from everyone`);
  cfg.disconnect(leader1);
  const leader2 = await cfg.checkOneLeader();
  say(`== 4. the majority elected n${leader2}; committing two commands without n${leader1}`);
  for (let k = 0; k < 2; k++) await commit(serverCount - 1);
  say(`== 5. heal: n${leader1} rejoins, steps down and catches up`);
  cfg.connect(leader1);
  await commit(serverCount);
  const victim = (leader2 + 1) % serverCount;
  say(`== 6. crash n${victim}; the rest commit 25 commands (snapshots every 10 indexes)`);
  cfg.crash1(victim);
  for (let k = 0; k < 24; k++) await commit(serverCount - 1, true);
  await commit(serverCount - 1);
  say(`== 7. restart n${victim} from its persisted state; it catches up from a snapshot`);
  await cfg.start1(victim);
  cfg.connect(victim);
  await commit(serverCount);
  say(`== 8. done: log size ${cfg.logSize()} bytes max, every node agrees`);
}
