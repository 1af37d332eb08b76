// One kvraft node: the chosen persister, the TCP listener and peer links, the KV server on Raft
// with a real clock, and the metrics endpoint, wired together and stopped together. It owns no
// policy of its own: Raft decides, the KV server applies, the transport carries.
import { randomInt } from 'node:crypto';
import type { Server } from 'node:http';
import { KvServer, type ReadMode } from '@kvraft/kv-service';
import { createPrng, type NodeId, type Persister, type PersistUpdate } from '@kvraft/raft-core';
import {
  type AdminReply,
  type Endpoint,
  PeerTransport,
  type TlsOptions,
  type TransportLogger,
  TransportServer,
} from '@kvraft/transport';
import type { PersisterName } from '../config/flag-parsers.ts';
import { claimDataDir } from './data-dir-identity.ts';
import { NodeMetrics, serveMetrics } from './node-metrics.ts';
import { openPersister } from './open-persister.ts';
import { realClock } from './real-clock.ts';

/** Everything `kvraft serve` configures. */
export interface KvNodeConfig {
  readonly id: NodeId;
  readonly cluster: string;
  readonly clusterSecret: string;
  /** Every node's endpoint, this one's included. */
  readonly peers: ReadonlyMap<NodeId, Endpoint>;
  readonly listen: Endpoint;
  readonly dataDir: string;
  readonly persister: PersisterName;
  readonly maxraftstate: number;
  readonly readMode: ReadMode;
  readonly tickMs: number;
  readonly metricsListen?: Endpoint;
  readonly tls?: TlsOptions;
}

/** A running node. */
export interface KvNode {
  readonly endpoint: Endpoint;
  readonly metricsEndpoint: Endpoint | null;
  /** Stops serving, stops Raft, closes the persister; idempotent. */
  stop(): Promise<void>;
}

/** How often the node samples its status for the leader-change counter. */
const leaderSampleMs = 50;

/** Starts a node; throws if the data dir belongs to another node or a port is taken. */
export async function startKvNode(config: KvNodeConfig, logger: TransportLogger): Promise<KvNode> {
  claimDataDir(config.dataDir, { cluster: config.cluster, nodeId: config.id });
  const rawPersister = await openPersister(config.persister, config.dataDir);
  let kv: KvServer | null = null;
  let peers: PeerTransport | null = null;
  const metrics = new NodeMetrics({
    status: () => kv?.raftStatus() ?? null,
    raftStateBytes: () => rawPersister.raftStateSize(),
    snapshotBytes: () => rawPersister.snapshotSize(),
    linkStates: () => peers?.linkStates() ?? new Map(),
  });
  const persister = measuredPersister(rawPersister, metrics);
  const { server, peerTransport } = await openTransports(config, logger);
  peers = peerTransport;
  const started = await KvServer.start({
    id: config.id,
    peers: [...config.peers.keys()],
    prng: createPrng(randomInt(2 ** 47)),
    persister,
    transport: peerTransport,
    clock: realClock,
    maxraftstate: config.maxraftstate,
    readMode: config.readMode,
    tickMs: config.tickMs,
  });
  kv = started;
  server.setRaftHandler((messages) => {
    for (const message of messages) started.receive(message);
  });
  server.setClientServer({
    request: (request) => timedRequest(started, request, metrics),
    admin: async () => statusReply(config.id, started, rawPersister),
  });
  const sampler = setInterval(
    () => metrics.observeLeader(started.raftStatus()?.leaderId ?? null),
    leaderSampleMs,
  );
  const metricsServer: Server | null =
    config.metricsListen === undefined ? null : await serveMetrics(metrics, config.metricsListen);
  const metricsAddress = metricsServer?.address();
  let stopping: Promise<void> | null = null;
  return {
    endpoint: server.endpoint(),
    metricsEndpoint:
      metricsAddress && typeof metricsAddress === 'object'
        ? { host: config.metricsListen?.host ?? '127.0.0.1', port: metricsAddress.port }
        : null,
    stop: () => {
      stopping ??= stopAll(
        () => clearInterval(sampler),
        started,
        peerTransport,
        server,
        metricsServer,
        rawPersister,
      );
      return stopping;
    },
  };
}

/** Opens this node's listening port and its outgoing peer links. */
async function openTransports(config: KvNodeConfig, logger: TransportLogger) {
  const tls = config.tls === undefined ? {} : { tls: config.tls };
  const server = await TransportServer.listen({
    listen: config.listen,
    nodeId: config.id,
    cluster: config.cluster,
    secret: config.clusterSecret,
    logger,
    ...tls,
  });
  const peerTransport = new PeerTransport({
    nodeId: config.id,
    peers: config.peers,
    cluster: config.cluster,
    secret: config.clusterSecret,
    logger,
    ...tls,
  });
  return { server, peerTransport };
}

/** Stops everything a node started, in dependency order. */
async function stopAll(
  stopSampler: () => void,
  kv: KvServer,
  peers: PeerTransport,
  server: TransportServer,
  metricsServer: Server | null,
  persister: { close(): Promise<void> },
): Promise<void> {
  stopSampler();
  kv.stop();
  peers.close();
  await server.close();
  await new Promise<void>((resolve) =>
    metricsServer ? metricsServer.close(() => resolve()) : resolve(),
  );
  await persister.close();
}

async function timedRequest(
  kv: KvServer,
  request: Parameters<KvServer['handle']>[0],
  metrics: NodeMetrics,
) {
  if (request.kind === 'get') return kv.handle(request);
  const startedMs = performance.now();
  const reply = await kv.handle(request);
  if (reply.ok || reply.error !== 'WrongLeader') metrics.proposals.inc();
  if (reply.ok) metrics.proposalApplySeconds.observe((performance.now() - startedMs) / 1000);
  return reply;
}

function statusReply(id: NodeId, kv: KvServer, persister: Persister): AdminReply {
  const status = kv.raftStatus();
  return {
    kind: 'status',
    status: {
      nodeId: id,
      role: status?.role ?? 'stopped',
      term: status?.term ?? 0,
      leaderId: status?.leaderId ?? null,
      commitIndex: status?.commitIndex ?? 0,
      appliedIndex: kv.appliedIndex,
      raftStateBytes: persister.raftStateSize(),
      snapshotBytes: persister.snapshotSize(),
    },
  };
}

// Wraps a persister so every save feeds the persist-latency histogram and snapshot counter.
function measuredPersister(inner: Persister, metrics: NodeMetrics): Persister {
  return {
    load: () => inner.load(),
    save: async (update: PersistUpdate) => {
      const end = metrics.persistSeconds.startTimer();
      await inner.save(update);
      end();
      if (update.snapshot !== undefined) metrics.snapshots.inc();
    },
    raftStateSize: () => inner.raftStateSize(),
    snapshotSize: () => inner.snapshotSize(),
    close: () => inner.close(),
  };
}
