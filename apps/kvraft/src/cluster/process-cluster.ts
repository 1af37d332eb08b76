// A local cluster of `kvraft serve` child processes on 127.0.0.1: free ports, one data dir and
// log file per node, SIGKILL and restart on the same data dir, and a pid file naming exactly
// the processes it started (so `cluster down` and tests never touch anything else).
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Endpoint,
  formatEndpoint,
  type NodeStatusReport,
  TcpClientTransport,
} from '@kvraft/transport';
import type { PersisterName } from '../config/flag-parsers.ts';

/** The app's directory (holds src/main.ts); children run from it so tsx resolves. */
export const appDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The pid file a cluster writes in its dir. */
export const pidFileName = 'cluster.json';

/** Options of a local cluster. */
export interface ProcessClusterOptions {
  readonly nodes: number;
  readonly persister: PersisterName;
  /** Parent dir of every node's data dir and log. */
  readonly dir: string;
  readonly secret: string;
  readonly cluster?: string;
  readonly tickMs?: number;
  readonly maxraftstate?: number;
}

/** How long a node gets to exit after SIGTERM before SIGKILL. */
const stopGraceMs = 5000;

/** Returns a currently free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address !== 'object') throw new Error('no free port');
  return address.port;
}

/** A running local cluster of child processes. */
export class ProcessCluster {
  private readonly children = new Map<number, ChildProcess>();
  private readonly allExitedWaiters: (() => void)[] = [];

  private constructor(
    private readonly options: ProcessClusterOptions,
    /** Each node's client/peer endpoint. */
    readonly endpoints: ReadonlyMap<number, Endpoint>,
    /** Each node's /metrics endpoint. */
    readonly metricsEndpoints: ReadonlyMap<number, Endpoint>,
  ) {}

  /** Resolves once no node of this cluster is running (for example after `cluster down`). */
  allExited(): Promise<void> {
    if (this.children.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.allExitedWaiters.push(resolve));
  }

  /** Picks ports, spawns every node, and writes the pid file. */
  static async start(options: ProcessClusterOptions): Promise<ProcessCluster> {
    mkdirSync(options.dir, { recursive: true });
    const endpoints = new Map<number, Endpoint>();
    const metrics = new Map<number, Endpoint>();
    for (let id = 1; id <= options.nodes; id++) {
      endpoints.set(id, { host: '127.0.0.1', port: await freePort() });
      metrics.set(id, { host: '127.0.0.1', port: await freePort() });
    }
    const cluster = new ProcessCluster(options, endpoints, metrics);
    for (const id of endpoints.keys()) cluster.spawnNode(id);
    return cluster;
  }

  /** `id=host:port,...` of every node (the `--servers` / `--peers` value). */
  serversFlag(): string {
    return [...this.endpoints].map(([id, e]) => `${id}=${formatEndpoint(e)}`).join(',');
  }

  /** The pid of each running node. */
  pids(): Map<number, number> {
    return new Map([...this.children].map(([id, child]) => [id, child.pid ?? -1]));
  }

  /** Kills node `id` with `signal` and waits (bounded) for it to exit. */
  async kill(id: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.children.get(id);
    if (child === undefined) return;
    this.children.delete(id);
    await stopChild(child, signal);
    this.writePidFile();
  }

  /** Restarts node `id` on its data dir and port. */
  restart(id: number): void {
    if (!this.children.has(id)) this.spawnNode(id);
  }

  /** Asks every node for its status (undefined when unreachable). */
  async statuses(timeoutMs = 1000): Promise<Map<number, NodeStatusReport | undefined>> {
    const transport = new TcpClientTransport({ servers: this.endpoints });
    try {
      const ids = [...this.endpoints.keys()];
      const replies = await Promise.all(
        ids.map((id) => transport.admin(id, { kind: 'status' }, timeoutMs)),
      );
      return new Map(ids.map((id, i) => [id, replies[i]?.status]));
    } finally {
      transport.close();
    }
  }

  /** Waits until some node reports itself leader; returns its id, or undefined at the deadline. */
  async waitForLeader(timeoutMs: number): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const [id, status] of await this.statuses(500)) {
        if (status?.role === 'leader') return id;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return undefined;
  }

  /** Stops every node: SIGTERM, then SIGKILL after a grace period. */
  async stop(): Promise<void> {
    const children = [...this.children.values()];
    this.children.clear();
    await Promise.all(children.map((child) => stopChild(child, 'SIGTERM')));
    this.writePidFile();
  }

  private spawnNode(id: number): void {
    const dir = join(this.options.dir, `node-${id}`);
    mkdirSync(dir, { recursive: true });
    const log = openSync(join(this.options.dir, `node-${id}.log`), 'a');
    const args = ['serve', '--id', String(id), '--listen', formatEndpoint(this.endpoints.get(id)!)];
    args.push('--peers', this.serversFlag(), '--data-dir', join(dir, 'data'));
    args.push(
      '--persister',
      this.options.persister,
      '--cluster',
      this.options.cluster ?? 'kvraft-local',
    );
    args.push('--metrics-listen', formatEndpoint(this.metricsEndpoints.get(id)!));
    if (this.options.tickMs !== undefined) args.push('--tick-ms', String(this.options.tickMs));
    if (this.options.maxraftstate !== undefined)
      args.push('--maxraftstate', String(this.options.maxraftstate));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@kvraft/source', join(appDir, 'src', 'main.ts'), ...args],
      {
        cwd: appDir,
        stdio: ['ignore', log, log],
        env: { ...process.env, KVRAFT_CLUSTER_SECRET: this.options.secret },
      },
    );
    closeSync(log);
    this.children.set(id, child);
    child.once('exit', () => {
      if (this.children.get(id) === child) this.children.delete(id);
      if (this.children.size === 0)
        for (const resolve of this.allExitedWaiters.splice(0)) resolve();
    });
    this.writePidFile();
  }

  private writePidFile(): void {
    const nodes = [...this.endpoints.keys()].map((id) => ({
      id,
      pid: this.children.get(id)?.pid ?? null,
      endpoint: formatEndpoint(this.endpoints.get(id)!),
      metrics: formatEndpoint(this.metricsEndpoints.get(id)!),
    }));
    writeFileSync(join(this.options.dir, pidFileName), `${JSON.stringify({ nodes }, null, 2)}\n`);
  }
}

// Signals one child we started and waits for its exit; SIGKILL after the grace period.
async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
  await exited;
  clearTimeout(timer);
}
