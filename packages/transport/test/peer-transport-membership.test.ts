// Goal: a PeerTransport follows membership changes at runtime (thesis §4.3): a link added for a
// new member carries messages to it, a removed member's link closes and its messages are dropped,
// and a member whose endpoint changes is re-dialed at the new one. Method: real listeners on
// 127.0.0.1 with ephemeral ports; every wait is bounded.
import { afterEach, describe, expect, it } from 'vitest';
import { PeerTransport } from '../src/index.ts';
import { cluster, heartbeat, RecordingLogger, startServer, waitFor } from './helpers.ts';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function listener(id: number) {
  const node = await startServer(id);
  closers.push(() => node.server.close());
  return node;
}

function transportOf(peers: Map<number, { host: string; port: number }>) {
  const logger = new RecordingLogger();
  const transport = new PeerTransport({ nodeId: 1, peers, ...cluster, logger });
  closers.push(() => transport.close());
  return { transport, logger };
}

describe('PeerTransport membership', () => {
  it('delivers to a peer added at runtime, and not before', async () => {
    const two = await listener(2);
    const { transport, logger } = transportOf(new Map());
    transport.send([heartbeat(1, 2, 1)]);
    expect(logger.has('not a configured peer')).toBe(true);
    transport.addPeer(2, two.server.endpoint());
    expect([...transport.peerEndpoints().keys()]).toEqual([2]);
    transport.send([heartbeat(1, 2, 2)]);
    expect(await waitFor(() => two.received.length > 0)).toBe(true);
    expect(two.received.map((m) => (m as { readContext?: number }).readContext)).toEqual([2]);
  });

  it('closes a removed peer link and drops its messages', async () => {
    const two = await listener(2);
    const { transport } = transportOf(new Map([[2, two.server.endpoint()]]));
    transport.send([heartbeat(1, 2, 1)]);
    expect(await waitFor(() => two.received.length === 1)).toBe(true);
    transport.removePeer(2);
    expect(transport.linkStates().has(2)).toBe(false);
    transport.send([heartbeat(1, 2, 2)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(two.received).toHaveLength(1);
  });

  it('re-dials a peer whose endpoint changed, and ignores its own id', async () => {
    const old = await listener(2);
    const moved = await listener(2);
    const { transport } = transportOf(new Map([[2, old.server.endpoint()]]));
    transport.addPeer(1, old.server.endpoint());
    transport.addPeer(2, moved.server.endpoint());
    expect([...transport.peerEndpoints()]).toEqual([[2, moved.server.endpoint()]]);
    transport.send([heartbeat(1, 2, 3)]);
    expect(await waitFor(() => moved.received.length === 1)).toBe(true);
    expect(old.received).toHaveLength(0);
  });
});
