// Goal: the Transport contract over real TCP on 127.0.0.1: messages reach their destination,
// one tick's messages travel as one batch, links come back after a peer restarts, oversized
// frames and wrong secrets or clusters are refused. Method: real listeners on ephemeral ports.
import type { Message, NodeId } from '@kvraft/raft-core';
import { afterEach, describe, expect, it } from 'vitest';
import { PeerTransport, type TransportServer } from '../src/index.ts';
import {
  appendEntries,
  cluster,
  endpointsOf,
  heartbeat,
  RecordingLogger,
  startServer,
  waitFor,
} from './helpers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startCluster(ids: readonly NodeId[], secrets: Record<NodeId, string> = {}) {
  const nodes = new Map<NodeId, Awaited<ReturnType<typeof startServer>>>();
  for (const id of ids) {
    const secret = secrets[id];
    nodes.set(id, await startServer(id, secret === undefined ? {} : { secret }));
  }
  const servers = new Map<NodeId, TransportServer>([...nodes].map(([id, n]) => [id, n.server]));
  const transports = new Map<NodeId, PeerTransport>();
  for (const id of ids) {
    const transport = new PeerTransport({
      nodeId: id,
      peers: endpointsOf(servers),
      cluster: cluster.cluster,
      secret: secrets[id] ?? cluster.secret,
      logger: nodes.get(id)!.logger,
      limits: { reconnectDelayMsMin: 10, reconnectDelayMsMax: 100 },
    });
    transports.set(id, transport);
    cleanups.push(() => transport.close());
  }
  for (const node of nodes.values()) cleanups.push(() => node.server.close());
  return { nodes, transports };
}

describe('PeerTransport over TCP (contract)', () => {
  it('delivers every message to its destination node', async () => {
    const { nodes, transports } = await startCluster([1, 2, 3]);
    transports.get(1)!.send([heartbeat(1, 2, 1), heartbeat(1, 3, 2), heartbeat(1, 2, 3)]);
    transports.get(3)!.send([heartbeat(3, 1, 4)]);
    expect(await waitFor(() => nodes.get(2)!.received.length === 2)).toBe(true);
    expect(await waitFor(() => nodes.get(3)!.received.length === 1)).toBe(true);
    expect(await waitFor(() => nodes.get(1)!.received.length === 1)).toBe(true);
    const tags = (ms: Message[]) =>
      ms.map((m) => (m.type === 'Heartbeat' ? m.readContext : -1)).sort();
    expect(tags(nodes.get(2)!.received)).toEqual([1, 3]);
    expect(nodes.get(1)!.received[0]).toEqual(heartbeat(3, 1, 4));
  });

  it('carries entry bytes intact', async () => {
    const { nodes, transports } = await startCluster([1, 2]);
    await waitFor(() => transports.get(1)!.linkStates().get(2) === 'open');
    transports.get(1)!.send([appendEntries(1, 2, 100_000)]);
    expect(await waitFor(() => nodes.get(2)!.received.length === 1)).toBe(true);
    const received = nodes.get(2)!.received;
    const got = received[0];
    const data = got?.type === 'AppendEntries' ? got.entries[0]!.data : new Uint8Array();
    expect(Buffer.from(data).equals(Buffer.alloc(100_000, 7))).toBe(true);
  });

  it('coalesces the messages sent in one tick into one frame', async () => {
    const { nodes, transports } = await startCluster([1, 2]);
    expect(await waitFor(() => transports.get(1)!.linkStates().get(2) === 'open')).toBe(true);
    for (let tag = 0; tag < 50; tag++) transports.get(1)!.send([heartbeat(1, 2, tag)]);
    expect(await waitFor(() => nodes.get(2)!.received.length === 50)).toBe(true);
    expect(nodes.get(2)!.batches).toEqual([50]);
  });

  it('reconnects after the peer restarts on the same port', async () => {
    const { nodes, transports } = await startCluster([1, 2]);
    const port = nodes.get(2)!.server.endpoint().port;
    transports.get(1)!.send([heartbeat(1, 2, 1)]);
    expect(await waitFor(() => nodes.get(2)!.received.length === 1)).toBe(true);
    await nodes.get(2)!.server.close();
    expect(await waitFor(() => transports.get(1)!.linkStates().get(2) !== 'open')).toBe(true);
    const restarted = await startServer(2, { port });
    cleanups.push(() => restarted.server.close());
    // Keep sending (as Raft's heartbeats would) until one lands on the restarted node.
    const delivered = await waitFor(() => {
      transports.get(1)!.send([heartbeat(1, 2, 2)]);
      return restarted.received.length > 0;
    }, 10_000);
    expect(delivered).toBe(true);
  });

  it('refuses a peer with the wrong secret, and the peer learns why', async () => {
    const { nodes, transports } = await startCluster([1, 2], { 1: 'wrong secret' });
    transports.get(1)!.send([heartbeat(1, 2, 1)]);
    expect(await waitFor(() => nodes.get(1)!.logger.has('does not know the cluster secret'))).toBe(
      true,
    );
    expect(await waitFor(() => nodes.get(2)!.logger.has('wrong cluster secret'))).toBe(true);
    expect(nodes.get(1)!.received).toEqual([]);
    expect(nodes.get(2)!.received).toEqual([]);
    expect(transports.get(1)!.linkStates().get(2)).not.toBe('open');
  });

  it('refuses a peer of another cluster', async () => {
    const target = await startServer(2);
    cleanups.push(() => target.server.close());
    const logger = new RecordingLogger();
    const stranger = new PeerTransport({
      nodeId: 1,
      peers: new Map([[2, target.server.endpoint()]]),
      cluster: 'other-cluster',
      secret: cluster.secret,
      logger,
    });
    cleanups.push(() => stranger.close());
    expect(await waitFor(() => logger.has("wrong cluster 'other-cluster'"))).toBe(true);
    expect(target.logger.has("refused: wrong cluster 'other-cluster'")).toBe(true);
  });

  it('does not send an oversized frame and keeps the link usable', async () => {
    const target = await startServer(2);
    cleanups.push(() => target.server.close());
    const logger = new RecordingLogger();
    const sender = new PeerTransport({
      nodeId: 1,
      peers: new Map([[2, target.server.endpoint()]]),
      ...cluster,
      logger,
      limits: { frameBytesMax: 64 * 1024 },
    });
    cleanups.push(() => sender.close());
    expect(await waitFor(() => sender.linkStates().get(2) === 'open')).toBe(true);
    sender.send([appendEntries(1, 2, 200_000)]);
    expect(await waitFor(() => logger.has('exceeds frameBytesMax'))).toBe(true);
    sender.send([heartbeat(1, 2, 9)]);
    expect(await waitFor(() => target.received.length === 1)).toBe(true);
  });

  it('refuses an oversized frame on the receiving side and closes that link', async () => {
    const target = await startServer(2, { limits: { frameBytesMax: 64 * 1024 } });
    cleanups.push(() => target.server.close());
    const sender = new PeerTransport({
      nodeId: 1,
      peers: new Map([[2, target.server.endpoint()]]),
      ...cluster,
    });
    cleanups.push(() => sender.close());
    expect(await waitFor(() => sender.linkStates().get(2) === 'open')).toBe(true);
    sender.send([appendEntries(1, 2, 200_000)]);
    expect(await waitFor(() => target.logger.has('exceeds frameBytesMax 65536'))).toBe(true);
    expect(target.received).toEqual([]);
  });
});
