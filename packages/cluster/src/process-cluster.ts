// A local cluster of `kvraft-server` child processes on 127.0.0.1: free ports, one data dir and
// log file per node, SIGKILL and restart on the same data dir, and a pid file naming exactly
// the processes it started (so `cluster down` and tests never touch anything else). Each child
// holds an IPC channel to us, so it shuts itself down when we die, however we die. The pid file
// records each node's argv and start time, so `cluster down` can tell a node from a reused pid.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type { PersisterName } from '@kvraft/server';
import {
  type Endpoint,
  formatEndpoint,
  type NodeStatusReport,
  TcpClientTransport,
} from '@kvraft/transport';
import { type ProcessIdentity, processStartTime } from './process-identity.ts';

/** The compiled `kvraft-server` entry every node runs (plain node, no loader). */
export const serverEntry = join(
  dirname(createRequire(import.meta.url).resolve('@kvraft/server/package.json')),
  'dist',
  'cli',
  'main.js',
);

/** The pid file a cluster writes in its dir. */
export const pidFileName = 'cluster.json';

/** Options of a local cluster. */
export interface ProcessClusterOptions {
  readonly nodes: number;
  readonly persister: PersisterName;
  /** Parent dir of every node's data dir and log. */
  readonly dir: string;
  readonly secret: string;
  /** PEM files every node serves TLS with (paths, passed as --tls-cert/--tls-key/--tls-ca). */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca: string };
  readonly cluster?: string;
  readonly tickMs?: number;
  readonly maxraftstate?: number;
  /** Node `id`'s --peers map; default every node's real endpoint (the nemesis routes via proxies). */
  readonly peersFor?: (id: number, own: Endpoint) => ReadonlyMap<number, Endpoint>;
  /** Each node's client/peer port, in id order; default free ports. */
  readonly ports?: readonly number[];
  /** Each node's /metrics port, in id order; default free ports. */
  readonly metricsPorts?: readonly number[];
  /** Extra environment for every node. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The largest cluster a ProcessCluster starts (ports, processes and data dirs per node). */
export const processClusterNodesMax = 9;

/** One node in the pid file: who it is (argv, start time) and where it listens. */
export interface PidFileNode extends Omit<Partial<ProcessIdentity>, 'pid'> {
  readonly id: number;
  readonly pid: number | null;
  readonly endpoint: string;
  readonly metrics: string;
}

/** How a node's process ended: its exit code, or the signal that ended it. */
export interface NodeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
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
  private readonly identities = new Map<number, ProcessIdentity>();
  private readonly exits = new Map<number, Promise<NodeExit>>();
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
    const { nodes } = options;
    if (!Number.isSafeInteger(nodes) || nodes < 1 || nodes > processClusterNodesMax) {
      throw new Error(`a process cluster has 1..${processClusterNodesMax} nodes, not ${nodes}`);
    }
    mkdirSync(options.dir, { recursive: true });
    const endpoints = new Map<number, Endpoint>();
    const metrics = new Map<number, Endpoint>();
    for (let id = 1; id <= options.nodes; id++) {
      endpoints.set(id, { host: '127.0.0.1', port: options.ports?.[id - 1] ?? (await freePort()) });
      const metricsPort = options.metricsPorts?.[id - 1] ?? (await freePort());
      metrics.set(id, { host: '127.0.0.1', port: metricsPort });
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

  /**
   * Resolves once node `id`'s latest process has exited, with how it ended (an exit code tells
   * a node that stopped itself, say on a storage error, from one that was killed).
   */
  exited(id: number): Promise<NodeExit> {
    const exit = this.exits.get(id);
    if (exit === undefined) throw new Error(`node ${id} was never started`);
    return exit;
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
    const { tls } = this.options;
    const transport = new TcpClientTransport({
      servers: this.endpoints,
      ...(tls === undefined ? {} : { tls: { ca: readFileSync(tls.ca) } }),
    });
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

  // Membership (thesis §4.3): nodes added after start, each with its own persister, joining.
  private readonly addedNodes = new Map<number, PersisterName>();
  /** Ids of removed nodes: never reused, since the cluster's log still names them. */
  private readonly removedIds = new Set<number>();

  /**
   * Starts a new node that joins the running cluster (`--join`): the next unused id, a fresh
   * port (or `port`, so clients can know it in advance) and `persister` (default the cluster's).
   * It serves nothing until the leader adds it (`member add-learner`, then `promote`). Returns
   * its id.
   */
  async addNode(
    options: { readonly persister?: PersisterName; readonly port?: number } = {},
  ): Promise<number> {
    if (this.endpoints.size >= processClusterNodesMax) {
      throw new Error(`a process cluster has at most ${processClusterNodesMax} nodes`);
    }
    const id = Math.max(0, ...this.endpoints.keys(), ...this.removedIds) + 1;
    // NB: the maps are ours (built in start); they are readonly only to callers.
    const port = options.port ?? (await freePort());
    (this.endpoints as Map<number, Endpoint>).set(id, { host: '127.0.0.1', port });
    (this.metricsEndpoints as Map<number, Endpoint>).set(id, {
      host: '127.0.0.1',
      port: await freePort(),
    });
    this.addedNodes.set(id, options.persister ?? this.options.persister);
    this.spawnNode(id);
    return id;
  }

  /**
   * Stops node `id` (SIGTERM, bounded) and forgets it: after its removal from the configuration
   * (`member remove`), it is no longer part of `endpoints`, `statuses()` or the pid file.
   */
  async removeNode(id: number): Promise<void> {
    await this.kill(id, 'SIGTERM');
    this.removedIds.add(id);
    (this.endpoints as Map<number, Endpoint>).delete(id);
    (this.metricsEndpoints as Map<number, Endpoint>).delete(id);
    this.writePidFile();
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
    const args = ['--id', String(id), '--listen', formatEndpoint(this.endpoints.get(id)!)];
    const own = this.endpoints.get(id)!;
    const peers = this.options.peersFor?.(id, own);
    const peersFlag =
      peers === undefined
        ? this.serversFlag()
        : [...peers].map(([peer, e]) => `${peer}=${formatEndpoint(e)}`).join(',');
    args.push('--peers', peersFlag, '--data-dir', join(dir, 'data'));
    const added = this.addedNodes.get(id);
    if (added !== undefined) args.push('--join');
    args.push(
      '--persister',
      added ?? this.options.persister,
      '--cluster',
      this.options.cluster ?? 'kvraft-local',
    );
    args.push('--metrics-listen', formatEndpoint(this.metricsEndpoints.get(id)!));
    if (this.options.tickMs !== undefined) args.push('--tick-ms', String(this.options.tickMs));
    if (this.options.maxraftstate !== undefined)
      args.push('--maxraftstate', String(this.options.maxraftstate));
    const { tls } = this.options;
    if (tls !== undefined)
      args.push('--tls-cert', tls.cert, '--tls-key', tls.key, '--tls-ca', tls.ca);
    const child = spawn(process.execPath, [serverEntry, ...args], {
      cwd: this.options.dir,
      stdio: ['ignore', log, log, 'ipc'],
      env: { ...process.env, ...this.options.env, KVRAFT_CLUSTER_SECRET: this.options.secret },
    });
    closeSync(log);
    this.children.set(id, child);
    this.exits.set(
      id,
      new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    );
    if (child.pid !== undefined) this.identities.set(id, identityOf(child.pid, args));
    child.once('exit', () => {
      if (this.children.get(id) === child) this.children.delete(id);
      if (this.children.size === 0)
        for (const resolve of this.allExitedWaiters.splice(0)) resolve();
    });
    this.writePidFile();
  }

  private writePidFile(): void {
    const nodes = [...this.endpoints.keys()].map((id): PidFileNode => {
      const running = this.children.has(id) ? this.identities.get(id) : undefined;
      return {
        id,
        ...running,
        pid: running?.pid ?? null,
        endpoint: formatEndpoint(this.endpoints.get(id)!),
        metrics: formatEndpoint(this.metricsEndpoints.get(id)!),
      };
    });
    const owner = process.pid;
    const text = `${JSON.stringify({ owner, nodes }, null, 2)}\n`;
    writeFileSync(join(this.options.dir, pidFileName), text);
  }
}

// spawn() returns after the exec, so /proc already shows the node's own argv and start time.
function identityOf(pid: number, args: readonly string[]): ProcessIdentity {
  const argv = [process.execPath, serverEntry, ...args];
  const startTime = processStartTime(pid);
  return startTime === undefined ? { pid, argv } : { pid, argv, startTime };
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
