// The nemesis's ClusterControl on the simulator: the same operations a fault schedule runs
// against real processes, applied to a KvCluster on virtual time. It matches the interface in
// @kvraft/cluster structurally (the simulator must not depend on that package). Node ids are
// 1-based here, as in the real runtime. Where the simulator cannot do what a real machine does,
// it says so: a pause cuts the node's links (its timers keep running), link faults apply to the
// whole network, and a file damage becomes what it leaves of the store (simDamageEffects).
import type { Clerk } from '@kvraft/clerk';
import type { KvCluster } from '../kv/kv-cluster.ts';
import { faultsReliable } from '../network-faults.ts';
import type { StorageFault } from '../storage-faults.ts';

/** Entries a damaged log tail loses here (the real damages cut a file, often more). */
export const simLostTailEntries = 32;

/**
 * What each file damage of the real runtime leaves of a node's store, as the simulator models
 * it: a damaged SQLite main file or a lost LevelDB CURRENT/MANIFEST is refused at open, and the
 * node comes back empty (the nemesis replaces such a store), like a wipe found by the record CRC;
 * a damaged WAL or LevelDB log loses its tail; `delete-store` drops the saved state. The ack
 * watermark survives every one, as the file beside a real store does.
 */
export const simDamageEffects: Readonly<Record<string, StorageFault | 'drop'>> = {
  'flip-sqlite-main': { kind: 'wipe' },
  'delete-level-current': { kind: 'wipe' },
  'delete-level-manifest': { kind: 'wipe' },
  'flip-sqlite-wal': { kind: 'tail', count: simLostTailEntries },
  'truncate-level-log': { kind: 'tail', count: simLostTailEntries },
  'delete-level-log': { kind: 'tail', count: simLostTailEntries },
  'delete-store': 'drop',
};

/** A directed link between 1-based node ids. */
export interface SimLink {
  readonly from: number;
  readonly to: number;
}

/** The link faults of a schedule (the fields the simulator's network can honour). */
export interface SimLinkFaults {
  readonly dropRate: number;
  readonly duplicateRate: number;
  readonly reorderRate: number;
  readonly delayMs: number;
  readonly jitterMs: number;
  readonly cut: boolean;
}

/** What a disk fault did. */
export type SimDiskOutcome =
  | { readonly applied: true; readonly detail: string }
  | { readonly applied: false; readonly reason: string };

/** ClusterControl over a KvCluster. */
export class SimClusterControl {
  readonly runtime = 'sim' as const;
  private blocked = new Set<string>();
  private readonly paused = new Set<number>();

  /** Controls `cluster`; every link starts healed. */
  constructor(private readonly cluster: KvCluster) {}

  /** A clerk for one workload client, reaching every server. */
  clerk(): Clerk {
    return this.cluster.makeClerk().clerk;
  }

  nodes(): readonly number[] {
    return this.cluster.all().map((i) => i + 1);
  }

  async start(id: number): Promise<void> {
    if (this.cluster.servers[id - 1] !== null) return;
    await this.cluster.startServer(id - 1);
    this.applyLinks();
  }

  async stop(id: number): Promise<void> {
    await this.kill(id);
  }

  async kill(id: number): Promise<void> {
    this.paused.delete(id);
    if (this.cluster.servers[id - 1] !== null) this.cluster.shutdownServer(id - 1);
  }

  async pause(id: number): Promise<void> {
    this.paused.add(id);
    this.applyLinks();
  }

  async resume(id: number): Promise<void> {
    if (this.paused.delete(id)) this.applyLinks();
  }

  async block(links: readonly SimLink[]): Promise<void> {
    this.blocked = new Set(links.map((link) => `${link.from}>${link.to}`));
    this.applyLinks();
  }

  async setLinkFaults(faults: SimLinkFaults, clients: boolean): Promise<void> {
    const delayMsMax = faults.delayMs + faults.jitterMs;
    this.cluster.raftNetwork.setFaults({
      requestDelayMsMax: delayMsMax,
      requestLossRate: faults.dropRate,
      replyDelayMsMax: delayMsMax,
      replyLossRate: faults.dropRate,
      duplicationRate: faults.duplicateRate,
      longReordering: faults.reorderRate > 0,
    });
    this.cluster.clientNetwork.setReliable(!(clients && faults.dropRate > 0));
  }

  async heal(): Promise<void> {
    this.blocked.clear();
    this.cluster.raftNetwork.setFaults(faultsReliable);
    this.cluster.clientNetwork.setReliable(true);
    this.applyLinks();
  }

  // A slow disk delays every save of the node; a failing one stops it at once, as a real node
  // ends (exit 75) on its first failed save, keeping only what it had acknowledged.
  async setDiskIo(
    id: number,
    fault: { readonly mode: string; readonly delayMs?: number } | undefined,
  ): Promise<SimDiskOutcome> {
    if (fault === undefined) {
      this.cluster.slowSavesMs[id - 1] = 0;
      return { applied: true, detail: 'cleared' };
    }
    if (this.cluster.servers[id - 1] === null) {
      return { applied: false, reason: `node ${id} is down` };
    }
    if (fault.mode === 'slow') {
      const delayMs = fault.delayMs ?? 0;
      this.cluster.slowSavesMs[id - 1] = delayMs;
      return { applied: true, detail: `node ${id}'s saves wait ${delayMs} ms more` };
    }
    await this.kill(id);
    return { applied: true, detail: `node ${id} stopped on a failed save (${fault.mode})` };
  }

  async transferLeader(to: number): Promise<string> {
    const leader = this.cluster.leader();
    if (leader === null) return 'no leader to transfer from';
    const asked = this.cluster.servers[leader]?.transferLeadership(to - 1) ?? false;
    return `${leader + 1}→${to}: ${asked ? 'asked' : 'refused'}`;
  }

  async damageDisk(id: number, damage: string): Promise<SimDiskOutcome> {
    if (this.cluster.servers[id - 1] !== null)
      return { applied: false, reason: `node ${id} is running` };
    const effect = simDamageEffects[damage];
    if (effect === undefined) return { applied: false, reason: `unknown damage ${damage}` };
    if (effect === 'drop') {
      // With storage protection on (KvCluster's default) the node knows from its watermark that
      // it lost what it acknowledged and catches up before it votes again (FAST'18 PAR); off, it
      // has amnesia.
      this.cluster.persisters[id - 1] = null;
      return { applied: true, detail: `node ${id}'s saved state dropped` };
    }
    const damaged = await this.cluster.damageStore(id - 1, effect);
    if (damaged === null) return { applied: false, reason: `node ${id} has saved nothing yet` };
    return { applied: true, detail: `node ${id}'s store: ${damaged.detail}` };
  }

  async leader(): Promise<number | undefined> {
    const leader = this.cluster.leader();
    return leader === null || this.paused.has(leader + 1) ? undefined : leader + 1;
  }

  async status(): Promise<
    ReadonlyMap<number, { role: string; term: number; commitIndex: number } | undefined>
  > {
    const statuses = new Map<
      number,
      { role: string; term: number; commitIndex: number } | undefined
    >();
    this.cluster.servers.forEach((server, i) => {
      const status = this.paused.has(i + 1) ? null : server?.raftStatus();
      statuses.set(
        i + 1,
        status
          ? { role: status.role, term: status.term, commitIndex: status.commitIndex }
          : undefined,
      );
    });
    return statuses;
  }

  sleep(ms: number): Promise<void> {
    return this.cluster.sleep(ms);
  }

  nowMs(): number {
    return this.cluster.nowMs();
  }

  // A link is up unless it is blocked, either end is paused, or either end is down.
  private applyLinks(): void {
    const n = this.cluster.n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const up =
          !this.blocked.has(`${i + 1}>${j + 1}`) &&
          !this.paused.has(i + 1) &&
          !this.paused.has(j + 1) &&
          this.cluster.servers[i] !== null &&
          this.cluster.servers[j] !== null;
        this.cluster.raftNetwork.setLink(i, j, up);
      }
    }
  }
}
