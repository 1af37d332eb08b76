// The embedding API: one kvraft node in this process. The chosen persister, the TCP listener and
// peer links, the KV server on Raft with a real clock, and the metrics endpoint, wired together
// and stopped together. It owns no policy of its own: Raft decides, the KV server applies, the
// transport carries.
import { randomInt } from 'node:crypto';
import type { Server } from 'node:http';
import type { KvServer } from '@kvraft/kv-service';
import { createPrng, type NodeId, type Persister, type PersistUpdate } from '@kvraft/raft-core';
import {
  type Endpoint,
  formatEndpoint,
  type NodeStatusReport,
  PeerTransport,
  type TransportLogger,
  TransportServer,
} from '@kvraft/transport';
import { guardWithWatermark } from './ack-watermark-guard.ts';
import { type AdminContext, handleAdmin } from './admin-handler.ts';
import { type ClaimedDataDir, claimDataDir } from './data-dir-identity.ts';
import { NodeMetrics, serveMetrics } from './node-metrics.ts';
import {
  type NodeConfig,
  type NodeOptions,
  resolveNodeOptions,
  timingTicks,
} from './node-options.ts';
import { openPersister } from './open-persister.ts';
import { PeerMembership } from './peer-membership.ts';
import { RaftEventLog } from './raft-event-log.ts';
import { realClock } from './real-clock.ts';
import { startKvService } from './test-only-bugs.ts';
import { wrapForTestOnlyDiskFaults } from './test-only-disk-faults.ts';

/** A running node. */
export interface KvNode {
  /** This node's id. */
  readonly id: NodeId;
  /** Where the node listens for peers and clients. */
  readonly endpoint: Endpoint;
  /** Where /metrics is served, or null without `metricsListen`. */
  readonly metricsEndpoint: Endpoint | null;
  /** Role, term, leader, commit and applied index, Raft state and snapshot bytes. */
  status(): NodeStatusReport;
  /** Stops serving, stops Raft, closes the persister; idempotent. */
  stop(): Promise<void>;
  /** Resolves once the cluster removed this node (thesis §4.3) and it stopped by itself. */
  readonly removed: Promise<void>;
}

/**
 * How long a removed node keeps running after it applied its removal, in ms: a removed leader
 * still sends the commit index and TimeoutNow to its successor before it stops.
 */
export const removedStopDelayMs = 1000;

/**
 * Starts a node in this process; throws on bad options, a data dir of another node, or a port
 * that is taken. The returned node serves until `stop()`.
 */
export async function startNode(options: NodeOptions): Promise<KvNode> {
  const config = resolveNodeOptions(options);
  const logger = config.logger;
  const identity = claimIdentity(config);
  const joined = identity?.joined ?? config.join;
  const rawPersister = await openGuardedPersister(config, identity);
  let kv: KvServer | null = null;
  let peers: PeerTransport | null = null;
  const metrics = new NodeMetrics({
    status: () => kv?.raftStatus() ?? null,
    raftStateBytes: () => rawPersister.raftStateSize(),
    snapshotBytes: () => rawPersister.snapshotSize(),
    linkStates: () => peers?.linkStates() ?? new Map(),
  });
  const events = new RaftEventLog(logger, { role: 'follower', leaderId: null, term: 0 });
  const persister = measuredPersister(rawPersister, metrics, events, () => kv?.appliedIndex ?? 0);
  const { server, peerTransport } = await openTransports(config, logger).catch(async (error) => {
    await rawPersister.close();
    throw error;
  });
  peers = peerTransport;
  let metricsServer: Server | null = null;
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= stopAll(kv, peerTransport, server, metricsServer, rawPersister);
    return stopping;
  };
  const { membership, removed } = watchRemoval(config, peerTransport, stop);
  const started = await startKvService({
    id: config.id,
    // Thesis §4.3: a node that joins starts with no configuration at all and never campaigns;
    // the leader's first config entry or snapshot tells it who is in the cluster.
    peers: joined ? [] : [...config.peers.keys()],
    onMembersChanged: (list) => membership.apply(list),
    prng: createPrng(randomInt(2 ** 47)),
    persister,
    transport: peerTransport,
    clock: realClock,
    maxraftstate: config.maxraftstate,
    readMode: config.readMode,
    tickMs: config.tickMs,
    raft: timingTicks(config),
    onLeadershipChange: (leadership) => {
      metrics.observeLeader(leadership.leaderId);
      events.leadership(leadership);
    },
  });
  kv = started;
  const applied = started.members();
  if (applied !== null) membership.apply(applied);
  const status = () => statusReport(config.id, started, rawPersister);
  serve(server, { id: config.id, kv: started, status, metrics, config, peers: peerTransport });
  metricsServer =
    config.metricsListen === undefined ? null : await serveMetrics(metrics, config.metricsListen);
  const metricsAddress = metricsServer?.address();
  return {
    id: config.id,
    endpoint: server.endpoint(),
    status,
    metricsEndpoint:
      metricsAddress && typeof metricsAddress === 'object'
        ? { host: config.metricsListen?.host ?? '127.0.0.1', port: metricsAddress.port }
        : null,
    stop,
    removed,
  };
}

// Hands the listener's peer batches to Raft and its client and admin requests to the node.
function serve(
  server: TransportServer,
  node: Omit<AdminContext, 'knownAddress'> & {
    metrics: NodeMetrics;
    config: NodeConfig;
    peers: PeerTransport;
  },
): void {
  const { kv, metrics, config, peers } = node;
  server.setRaftHandler((messages) => {
    for (const message of messages) kv.receive(message);
  });
  const knownAddress = (id: NodeId) => addressOf(id, config, peers);
  server.setClientServer({
    request: (request) => timedRequest(kv, request, metrics),
    admin: (request) => handleAdmin(request, { ...node, knownAddress }),
  });
}

// Claims the data dir; a data dir that once joined keeps joining, so its configuration always
// comes from the log, never from --peers (which then says only where the cluster is).
function claimIdentity(config: NodeConfig): ClaimedDataDir | undefined {
  if (config.dataDir === undefined) return undefined;
  const identity = { cluster: config.cluster, nodeId: config.id, joined: config.join };
  return claimDataDir(config.dataDir, identity);
}

// The chosen persister, behind the test-only disk faults (when gated on) and the data dir's ack
// watermark, so every save the node acknowledges is covered by the watermark.
async function openGuardedPersister(
  config: NodeConfig,
  identity: ClaimedDataDir | undefined,
): Promise<Persister> {
  const { dataDir, logger } = config;
  const opened = wrapForTestOnlyDiskFaults(await openPersister(config.persister, dataDir), dataDir);
  if (config.persister === 'memory' && dataDir === undefined) {
    logger.warn(
      {},
      'memory persister without a data dir: nothing marks a restart of this node, which would rejoin empty as a voter',
    );
  }
  return guardWithWatermark(opened, dataDir, identity, logger).catch(async (error) => {
    await opened.close();
    throw error;
  });
}

// Keeps the peer links in step with the configuration; once this node is removed, it logs so,
// keeps running `removedStopDelayMs` (a removed leader hands over), then stops.
function watchRemoval(config: NodeConfig, links: PeerTransport, stop: () => Promise<void>) {
  let markRemoved = () => {};
  const removed = new Promise<void>((resolve) => {
    markRemoved = resolve;
  });
  const membership = new PeerMembership(config.id, links, config.logger, () => {
    config.logger.warn({ stopInMs: removedStopDelayMs }, 'removed from the cluster; stopping');
    setTimeout(() => void stop().then(markRemoved), removedStopDelayMs);
  });
  return { membership, removed };
}

/** Opens this node's listening port and its outgoing peer links. */
async function openTransports(config: NodeConfig, logger: TransportLogger) {
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
  kv: KvServer | null,
  peers: PeerTransport,
  server: TransportServer,
  metricsServer: Server | null,
  persister: { close(): Promise<void> },
): Promise<void> {
  kv?.stop();
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

// Where a member without an address in its config entry (a bootstrap member) listens.
function addressOf(id: NodeId, config: NodeConfig, peers: PeerTransport): string {
  const endpoint = id === config.id ? config.peers.get(id) : peers.peerEndpoints().get(id);
  return endpoint === undefined ? '' : formatEndpoint(endpoint);
}

function statusReport(id: NodeId, kv: KvServer, persister: Persister): NodeStatusReport {
  const status = kv.raftStatus();
  return {
    nodeId: id,
    role: status?.role ?? 'stopped',
    term: status?.term ?? 0,
    leaderId: status?.leaderId ?? null,
    commitIndex: status?.commitIndex ?? 0,
    appliedIndex: kv.appliedIndex,
    raftStateBytes: persister.raftStateSize(),
    snapshotBytes: persister.snapshotSize(),
    recovering: status?.recovering ?? false,
  };
}

// Wraps a persister so every save feeds the persist-latency histogram, the snapshot counter and
// the event log (slow saves, snapshots taken or installed).
function measuredPersister(
  inner: Persister,
  metrics: NodeMetrics,
  events: RaftEventLog,
  appliedIndex: () => number,
): Persister {
  return {
    load: () => inner.load(),
    save: async (update: PersistUpdate) => {
      const startedMs = performance.now();
      await inner.save(update);
      const elapsedMs = performance.now() - startedMs;
      metrics.persistSeconds.observe(elapsedMs / 1000);
      events.saveTook(elapsedMs, update.entries?.length ?? 0);
      const { snapshot } = update;
      if (snapshot === undefined) return;
      metrics.snapshots.inc();
      events.snapshotSaved(snapshot.index, snapshot.data.length, appliedIndex());
    },
    raftStateSize: () => inner.raftStateSize(),
    snapshotSize: () => inner.snapshotSize(),
    close: () => inner.close(),
  };
}
