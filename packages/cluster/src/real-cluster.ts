// ClusterControl over real processes: a ProcessCluster whose every peer and client link runs
// through the nemesis's ProxyMesh. Crash is SIGKILL, pause SIGSTOP/SIGCONT, stop SIGTERM, start
// respawns on the same data dir. It only signals pids it started, and `close` leaves nothing
// running (paused nodes are resumed first, so SIGTERM reaches them).

import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { diskFaultFileName, type PersisterName, testOnlyDiskFaultsEnv } from '@kvraft/server';
import { type Endpoint, TcpClientTransport } from '@kvraft/transport';
import type {
  ClusterControl,
  ControlNodeStatus,
  DiskFaultOutcome,
  DiskIoFault,
} from './cluster-control.ts';
import { applyDiskDamage, type DiskDamage } from './disk-damage.ts';
import type { LinkFaults } from './link-faults.ts';
import { freePort, ProcessCluster } from './process-cluster.ts';
import { type Link, ProxyMesh } from './proxy-mesh.ts';

/** How long a transfer request may take (the leader waits up to 5 s for the target). */
const transferTimeoutMs = 7000;

/** How long a status probe waits for each node. */
const statusTimeoutMs = 1000;

/** Options of a real cluster under the nemesis. */
export interface RealClusterOptions {
  readonly nodes: number;
  readonly persister: PersisterName;
  readonly dir: string;
  readonly secret: string;
  /** Uniform randomness in [0, 1) for proxies and disk damage. */
  readonly random: () => number;
  /** First of a consecutive port range (nodes, metrics, proxies); default free ports. */
  readonly basePort?: number;
  readonly tickMs?: number;
  readonly maxraftstate?: number;
  readonly env?: Readonly<Record<string, string>>;
}

/** How many ports a cluster of `nodes` needs: nodes, metrics, n(n-1) peer and n client proxies. */
export function portsNeeded(nodes: number): number {
  return nodes * 2 + nodes * (nodes - 1) + nodes;
}

/** Throws a clear error naming the first port of `ports` that is already taken. */
export async function assertPortsFree(ports: readonly number[]): Promise<void> {
  for (const port of ports) {
    const server = createServer();
    const error = await new Promise<Error | undefined>((resolve) => {
      server.once('error', resolve);
      server.listen(port, '127.0.0.1', () => resolve(undefined));
    });
    if (error === undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
    else
      throw new Error(
        `port ${port} on 127.0.0.1 is busy (${(error as NodeJS.ErrnoException).code})`,
      );
  }
}

/** A real cluster behind fault proxies, driven through ClusterControl. */
export class RealCluster implements ClusterControl {
  readonly runtime = 'real' as const;
  private readonly paused = new Set<number>();
  private readonly startedMs = performance.now();

  private constructor(
    private readonly options: RealClusterOptions,
    /** The processes. */
    readonly processes: ProcessCluster,
    /** The proxies. */
    readonly mesh: ProxyMesh,
  ) {}

  /** Starts proxies and nodes; on failure stops whatever it started and rethrows. */
  static async launch(options: RealClusterOptions): Promise<RealCluster> {
    const ids = Array.from({ length: options.nodes }, (_, i) => i + 1);
    const ports = await pickPorts(options);
    const nodePorts = ports.slice(0, options.nodes);
    const target = (id: number): Endpoint => ({ host: '127.0.0.1', port: nodePorts[id - 1]! });
    const mesh = await ProxyMesh.start({
      nodeIds: ids,
      target,
      random: options.random,
      ports: ports.slice(options.nodes * 2),
    });
    try {
      const processes = await ProcessCluster.start({
        nodes: options.nodes,
        persister: options.persister,
        dir: options.dir,
        secret: options.secret,
        ports: nodePorts,
        metricsPorts: ports.slice(options.nodes, options.nodes * 2),
        peersFor: (id, own) => mesh.peerMapFor(id, own),
        ...(options.tickMs === undefined ? {} : { tickMs: options.tickMs }),
        ...(options.maxraftstate === undefined ? {} : { maxraftstate: options.maxraftstate }),
        ...(options.env === undefined ? {} : { env: options.env }),
      });
      return new RealCluster(options, processes, mesh);
    } catch (error) {
      await mesh.close();
      throw error;
    }
  }

  /** The endpoints clients use (through the client proxies). */
  clientEndpoints(): Map<number, Endpoint> {
    return this.mesh.clientEndpoints();
  }

  /** Each node's data dir (the one holding its identity file). */
  dataDir(id: number): string {
    return join(this.options.dir, `node-${id}`, 'data');
  }

  nodes(): readonly number[] {
    return [...this.processes.endpoints.keys()];
  }

  async start(id: number): Promise<void> {
    this.processes.restart(id);
  }

  async stop(id: number): Promise<void> {
    await this.resume(id);
    await this.processes.kill(id, 'SIGTERM');
  }

  async kill(id: number): Promise<void> {
    // SIGKILL reaches a stopped process too; it just is not paused any more afterwards.
    this.paused.delete(id);
    await this.processes.kill(id, 'SIGKILL');
  }

  async pause(id: number): Promise<void> {
    const pid = this.processes.pids().get(id);
    if (pid === undefined || pid < 0) return;
    process.kill(pid, 'SIGSTOP');
    this.paused.add(id);
  }

  async resume(id: number): Promise<void> {
    if (!this.paused.delete(id)) return;
    const pid = this.processes.pids().get(id);
    if (pid !== undefined && pid > 0) process.kill(pid, 'SIGCONT');
  }

  async block(links: readonly Link[]): Promise<void> {
    this.mesh.block(links);
  }

  async setLinkFaults(faults: LinkFaults, clients: boolean): Promise<void> {
    this.mesh.setFaults(faults, clients);
  }

  async heal(): Promise<void> {
    this.mesh.heal();
  }

  async setDiskIo(id: number, fault: DiskIoFault | undefined): Promise<DiskFaultOutcome> {
    const path = join(this.dataDir(id), diskFaultFileName);
    if (fault === undefined) {
      rmSync(path, { force: true });
      return { applied: true, detail: 'cleared' };
    }
    if (this.options.env?.[testOnlyDiskFaultsEnv] !== '1') {
      return {
        applied: false,
        reason: 'the nodes were started without the test-only disk-fault wrapper',
      };
    }
    writeFileSync(path, JSON.stringify(fault));
    return { applied: true, detail: JSON.stringify(fault) };
  }

  async transferLeader(to: number): Promise<string> {
    const leader = await this.leader();
    if (leader === undefined) return 'no leader to transfer from';
    const transport = new TcpClientTransport({ servers: this.processes.endpoints });
    try {
      const request = { kind: 'transfer-leader' as const, id: to };
      const reply = await transport.admin(leader, request, transferTimeoutMs);
      const outcome = reply?.outcome;
      if (outcome === undefined) return `${leader}→${to}: no answer`;
      return outcome.ok
        ? `${leader}→${to}: node ${outcome.leaderId} leads`
        : `${leader}→${to}: ${outcome.error}`;
    } finally {
      transport.close();
    }
  }

  async damageDisk(id: number, damage: DiskDamage): Promise<DiskFaultOutcome> {
    if (this.processes.pids().has(id)) return { applied: false, reason: `node ${id} is running` };
    if (this.options.persister === 'memory') {
      return { applied: false, reason: 'the memory persister keeps nothing on disk' };
    }
    try {
      return {
        applied: true,
        detail: applyDiskDamage(this.dataDir(id), damage, this.options.random),
      };
    } catch (error) {
      return { applied: false, reason: (error as Error).message };
    }
  }

  async leader(): Promise<number | undefined> {
    let best: { id: number; term: number } | undefined;
    for (const [id, status] of await this.status()) {
      if (status?.role !== 'leader') continue;
      if (best === undefined || status.term > best.term) best = { id, term: status.term };
    }
    return best?.id;
  }

  async status(): Promise<ReadonlyMap<number, ControlNodeStatus | undefined>> {
    // A paused node cannot answer; asking it would only cost the timeout. A loaded node can
    // take a while to answer, and a leader reported as none misleads both the report and
    // `leader` targets, so the timeout is generous.
    const statuses = await this.processes.statuses(statusTimeoutMs);
    for (const id of this.paused) statuses.set(id, undefined);
    return statuses;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  nowMs(): number {
    return performance.now() - this.startedMs;
  }

  /** Resumes paused nodes, stops every node and closes every proxy. */
  async close(): Promise<void> {
    for (const id of [...this.paused]) await this.resume(id);
    try {
      await this.processes.stop();
    } finally {
      await this.mesh.close();
    }
  }
}

async function pickPorts(options: RealClusterOptions): Promise<number[]> {
  const count = portsNeeded(options.nodes);
  if (options.basePort === undefined) {
    const ports: number[] = [];
    for (let i = 0; i < options.nodes * 2; i++) ports.push(await freePort());
    return ports;
  }
  const ports = Array.from({ length: count }, (_, i) => options.basePort! + i);
  if (ports.at(-1)! > 65_535)
    throw new Error(`--base-port ${options.basePort} + ${count} ports passes 65535`);
  await assertPortsFree(ports);
  return ports;
}
