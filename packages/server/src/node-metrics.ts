// Prometheus metrics of one node (prom-client) and the HTTP endpoint that serves them at
// /metrics. Gauges read the node's status at scrape time; counters and histograms are fed by the
// persister and request wrappers in start-node.ts.
import { createServer, type Server } from 'node:http';
import type { NodeId, RaftStatus } from '@kvraft/raft-core';
import type { Endpoint, LinkState } from '@kvraft/transport';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the metrics read at scrape time. */
export interface MetricsSource {
  status(): RaftStatus | null;
  raftStateBytes(): number;
  snapshotBytes(): number;
  linkStates(): ReadonlyMap<NodeId, LinkState>;
}

/** The node's metrics. */
export class NodeMetrics {
  /** The registry to scrape. */
  readonly registry = new Registry();
  /** Leader changes this node observed. */
  readonly leaderChanges: Counter;
  /** Client writes proposed by this node. */
  readonly proposals: Counter;
  /** Seconds from a client write's arrival to its apply (and reply). */
  readonly proposalApplySeconds: Histogram;
  /** Seconds per persister save. */
  readonly persistSeconds: Histogram;
  /** Snapshots persisted. */
  readonly snapshots: Counter;
  private lastLeader: NodeId | null = null;

  /** Registers every metric, reading gauges from `source`. */
  constructor(source: MetricsSource) {
    const registers = [this.registry];
    // The process's own CPU, memory, event-loop lag and GC, beside the kvraft_* metrics.
    collectDefaultMetrics({ register: this.registry });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('kvraft_term', 'Current Raft term', () => source.status()?.term ?? 0);
    gauge('kvraft_commit_index', 'Raft commit index', () => source.status()?.commitIndex ?? 0);
    gauge('kvraft_applied_index', 'Applied index', () => source.status()?.appliedIndex ?? 0);
    gauge('kvraft_raft_state_bytes', 'Persisted Raft state bytes', () => source.raftStateBytes());
    gauge('kvraft_snapshot_bytes', 'Persisted snapshot bytes', () => source.snapshotBytes());
    new Gauge({
      name: 'kvraft_role',
      help: 'Raft role (1 for the current one)',
      labelNames: ['role'],
      registers,
      collect() {
        this.reset();
        this.set({ role: source.status()?.role ?? 'stopped' }, 1);
      },
    });
    new Gauge({
      name: 'kvraft_peer_connected',
      help: 'Outbound peer link state (1 open, 0 otherwise)',
      labelNames: ['peer'],
      registers,
      collect() {
        for (const [peer, state] of source.linkStates())
          this.set({ peer: String(peer) }, state === 'open' ? 1 : 0);
      },
    });
    this.leaderChanges = new Counter({
      name: 'kvraft_leader_changes_total',
      help: 'Leader changes seen',
      registers,
    });
    this.proposals = new Counter({
      name: 'kvraft_proposals_total',
      help: 'Client writes proposed',
      registers,
    });
    this.snapshots = new Counter({
      name: 'kvraft_snapshots_total',
      help: 'Snapshots persisted',
      registers,
    });
    const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    this.proposalApplySeconds = new Histogram({
      name: 'kvraft_proposal_apply_seconds',
      help: 'Client write arrival to apply',
      buckets,
      registers,
    });
    this.persistSeconds = new Histogram({
      name: 'kvraft_persist_seconds',
      help: 'Persister save latency',
      buckets,
      registers,
    });
  }

  /** Counts a leader change when the leader differs from the last one seen. */
  observeLeader(leaderId: NodeId | null): void {
    if (leaderId !== null && leaderId !== this.lastLeader) this.leaderChanges.inc();
    if (leaderId !== null) this.lastLeader = leaderId;
  }
}

/** Serves `GET /metrics` on `endpoint`; resolves with the listening server. */
export async function serveMetrics(metrics: NodeMetrics, endpoint: Endpoint): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end('see /metrics\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(endpoint.port, endpoint.host, () => resolve());
  });
  return server;
}
