// The operations a fault schedule runs against a cluster, offered by both runtimes: the real
// one (child processes behind fault proxies, wall-clock time) and the simulator (virtual time).
// Node ids are 1-based in both. A schedule waits only through `sleep`, so the same schedule code
// is deterministic in the simulator. This file holds types only; the simulator implements the
// interface structurally (it must not depend on this package).
import type { DiskDamage } from './disk-damage.ts';
import type { LinkFaults } from './link-faults.ts';

/** A fault on a running node's saves, applied by the server's test-only persister wrapper. */
export interface DiskIoFault {
  readonly mode: 'slow' | 'eio' | 'enospc';
  /** Extra milliseconds per save in `slow` mode. */
  readonly delayMs?: number;
}

import type { Link } from './proxy-mesh.ts';

/** One node's Raft view, as both runtimes report it. */
export interface ControlNodeStatus {
  readonly role: string;
  readonly term: number;
  readonly commitIndex: number;
}

/** What a disk fault did: applied, or why it could not be in this runtime or persister. */
export type DiskFaultOutcome =
  | { readonly applied: true; readonly detail: string }
  | { readonly applied: false; readonly reason: string };

/** The cluster operations shared by the real cluster and the simulator's. */
export interface ClusterControl {
  /** `real` or `sim`. */
  readonly runtime: 'real' | 'sim';
  /** Every node id, ascending. */
  nodes(): readonly number[];
  /** Starts node `id` on its existing state (no-op when running). */
  start(id: number): Promise<void>;
  /** Stops node `id` gracefully (SIGTERM in the real runtime). */
  stop(id: number): Promise<void>;
  /** Crashes node `id` (SIGKILL); its durable state stays. */
  kill(id: number): Promise<void>;
  /** Freezes node `id` (SIGSTOP). */
  pause(id: number): Promise<void>;
  /** Unfreezes node `id` (SIGCONT). */
  resume(id: number): Promise<void>;
  /** Cuts exactly `links` between peers; every other peer link is healed. */
  block(links: readonly Link[]): Promise<void>;
  /** Sets faults on every peer link (and client links when `clients`). */
  setLinkFaults(faults: LinkFaults, clients: boolean): Promise<void>;
  /** Heals every link. */
  heal(): Promise<void>;
  /** Slows or fails a running node's saves (slow fsync, EIO, ENOSPC); undefined clears it. */
  setDiskIo(id: number, fault: DiskIoFault | undefined): Promise<DiskFaultOutcome>;
  /** Asks the leader to hand leadership to `to` (thesis §3.10); says what happened. */
  transferLeader(to: number): Promise<string>;
  /** Damages a stopped node's stored state. */
  damageDisk(id: number, damage: DiskDamage): Promise<DiskFaultOutcome>;
  /** The node that believes it leads with the highest term, or undefined. */
  leader(): Promise<number | undefined>;
  /** Each node's status; undefined for a node that is down or unreachable. */
  status(): Promise<ReadonlyMap<number, ControlNodeStatus | undefined>>;
  /** Waits `ms` on the runtime's clock. */
  sleep(ms: number): Promise<void>;
  /** Milliseconds since the run started, on the runtime's clock. */
  nowMs(): number;
}
