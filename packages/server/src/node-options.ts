// The options of an embedded node, their defaults, and the checks made before anything starts:
// a node whose own --peers entry is not where it listens would tell its peers a wrong address,
// so that is refused here rather than found later as a node nobody can reach.
import type { ReadMode } from '@kvraft/kv-service';
import type { NodeId, Persister } from '@kvraft/raft-core';
import {
  type Endpoint,
  formatEndpoint,
  silentLogger,
  type TlsOptions,
  type TransportLogger,
} from '@kvraft/transport';
import { type PersisterName, persisterNames } from './config/flag-parsers.ts';

/** What `startNode` takes; everything but identity, peers and persistence has a default. */
export interface NodeOptions {
  /** This node's id; `peers` must hold it. */
  readonly id: NodeId;
  /** Every voter's endpoint, this node's included. */
  readonly peers: ReadonlyMap<NodeId, Endpoint>;
  /** Where to listen for peers and clients; defaults to this node's `peers` entry. */
  readonly listen?: Endpoint;
  /** The shared secret that authenticates peer links (never sent on the wire). */
  readonly clusterSecret: string;
  /** The cluster's name, recorded in the data dir; default `kvraft`. */
  readonly cluster?: string;
  /** `sqlite` (default), `level`, `memory`, or a Persister of your own. */
  readonly persister?: PersisterName | Persister;
  /** Where the node keeps its state; required for `sqlite` and `level`. */
  readonly dataDir?: string;
  /** Snapshot once the persisted Raft state reaches this many bytes; -1 never. Default 1 MiB. */
  readonly maxraftstate?: number;
  /** `readindex` (default) or `log`. */
  readonly readMode?: ReadMode;
  /** Milliseconds per Raft tick; default 10. */
  readonly tickMs?: number;
  /**
   * Base election timeout in milliseconds (each node waits a random time in [base, 2 × base));
   * default 300. Raise it where fsync can stall for longer (etcd's default is 1000): a save that
   * outlasts it holds back heartbeat replies and votes, and the nodes then campaign in turn.
   */
  readonly electionTimeoutMs?: number;
  /** Milliseconds between a leader's heartbeats; default 100, at most half the election timeout. */
  readonly heartbeatMs?: number;
  /** Serve Prometheus /metrics here. */
  readonly metricsListen?: Endpoint;
  /** TLS for every link and client connection. */
  readonly tls?: TlsOptions;
  /** Where the node logs (pino fits); default silent. */
  readonly logger?: TransportLogger;
  /**
   * Join a running cluster as a member to be added (thesis §4.3): start with no configuration,
   * never campaign, and wait for the leader to add this node (`kvraft member add-learner`).
   * `peers` then lists this node and where the cluster's members are. Default false.
   */
  readonly join?: boolean;
}

/** NodeOptions with every default filled in. */
export interface NodeConfig {
  readonly id: NodeId;
  readonly peers: ReadonlyMap<NodeId, Endpoint>;
  readonly listen: Endpoint;
  readonly clusterSecret: string;
  readonly cluster: string;
  readonly persister: PersisterName | Persister;
  readonly dataDir?: string;
  readonly maxraftstate: number;
  readonly readMode: ReadMode;
  readonly tickMs: number;
  readonly electionTimeoutMs: number;
  readonly heartbeatMs: number;
  readonly metricsListen?: Endpoint;
  readonly tls?: TlsOptions;
  readonly logger: TransportLogger;
  readonly join: boolean;
}

/** Bad node options, found before anything starts. */
export class NodeOptionsError extends Error {
  override readonly name = 'NodeOptionsError';
}

/** Fills in defaults and refuses inconsistent options with a NodeOptionsError. */
export function resolveNodeOptions(options: NodeOptions): NodeConfig {
  const own = options.peers.get(options.id);
  if (own === undefined) {
    throw new NodeOptionsError(`peers must include this node's id ${options.id}`);
  }
  const listen = options.listen ?? own;
  if (!listensOn(listen, own)) {
    throw new NodeOptionsError(
      `listen ${formatEndpoint(listen)} does not match this node's peers entry ${options.id}=${formatEndpoint(own)}`,
    );
  }
  const persister = options.persister ?? 'sqlite';
  if (typeof persister === 'string' && !(persisterNames as readonly string[]).includes(persister)) {
    throw new NodeOptionsError(`persister must be one of ${persisterNames.join(', ')}`);
  }
  if ((persister === 'sqlite' || persister === 'level') && options.dataDir === undefined) {
    throw new NodeOptionsError(`the ${persister} persister needs a dataDir`);
  }
  const timing = resolveTiming(options);
  return {
    ...options,
    ...timing,
    listen,
    persister,
    cluster: options.cluster ?? 'kvraft',
    maxraftstate: options.maxraftstate ?? 1 << 20,
    readMode: options.readMode ?? 'readindex',
    logger: options.logger ?? silentLogger,
    join: options.join ?? false,
  };
}

/** The timing defaults of a real node: heartbeats every 100 ms, elections after 300–600 ms. */
export const nodeTimingDefaults = { tickMs: 10, electionTimeoutMs: 300, heartbeatMs: 100 } as const;

// Heartbeats must come well inside the election timeout, and both in whole ticks, or followers
// would time out on a healthy leader.
function resolveTiming(options: NodeOptions) {
  const tickMs = options.tickMs ?? nodeTimingDefaults.tickMs;
  const electionTimeoutMs = options.electionTimeoutMs ?? nodeTimingDefaults.electionTimeoutMs;
  const heartbeatMs = options.heartbeatMs ?? nodeTimingDefaults.heartbeatMs;
  for (const [name, value] of [
    ['tickMs', tickMs],
    ['electionTimeoutMs', electionTimeoutMs],
    ['heartbeatMs', heartbeatMs],
  ] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new NodeOptionsError(`${name} must be a positive integer, got ${value}`);
    }
  }
  if (heartbeatMs < tickMs || heartbeatMs * 2 > electionTimeoutMs) {
    throw new NodeOptionsError(
      `heartbeatMs (${heartbeatMs}) must be at least tickMs (${tickMs}) and at most half of electionTimeoutMs (${electionTimeoutMs})`,
    );
  }
  return { tickMs, electionTimeoutMs, heartbeatMs };
}

/** The node's timing in Raft ticks, as raft-core counts it. */
export function timingTicks(config: NodeConfig): {
  electionTimeoutTicks: number;
  heartbeatTicks: number;
} {
  return {
    electionTimeoutTicks: Math.max(2, Math.round(config.electionTimeoutMs / config.tickMs)),
    heartbeatTicks: Math.max(1, Math.round(config.heartbeatMs / config.tickMs)),
  };
}

// A wildcard listen address serves every interface, so only its port has to match.
function listensOn(listen: Endpoint, advertised: Endpoint): boolean {
  const wildcard = listen.host === '0.0.0.0' || listen.host === '::';
  return listen.port === advertised.port && (wildcard || listen.host === advertised.host);
}
