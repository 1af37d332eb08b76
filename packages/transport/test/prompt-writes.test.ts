// Goal: frames leave promptly and together. Frames sent in one synchronous run go out as one
// socket write at the end of that run, and a peer link writes a Ready's messages before a save
// queued right after them starts its (synchronous) fsync, so leader and follower writes overlap
// (thesis §10.2.1). Method: real loopback sockets; Socket.prototype.write is spied on, and the
// save is a GroupCommit whose writer records when it runs, as a synchronous SQLite commit would.
import { createServer, type Server, Socket } from 'node:net';
import { GroupCommit } from '@kvraft/raft-core/persister-kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FrameDecoder } from '../src/frame-codec.ts';
import { FramedSocket } from '../src/framed-socket.ts';
import { PeerTransport, transportLimitsDefault } from '../src/index.ts';
import {
  cluster,
  endpointsOf,
  heartbeat,
  RecordingLogger,
  startServer,
  waitFor,
} from './helpers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function socketPair(): Promise<{ client: Socket; received: unknown[] }> {
  const received: unknown[] = [];
  const decoder = new FrameDecoder(transportLimitsDefault.frameBytesMax);
  const server: Server = createServer((socket) => {
    socket.on('data', (chunk) => received.push(...decoder.push(chunk)));
    cleanups.push(() => void socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('no address');
  const client = new Socket();
  await new Promise<void>((resolve) => client.connect(address.port, '127.0.0.1', resolve));
  cleanups.push(() => void client.destroy());
  return { client, received };
}

describe('prompt, coalesced writes', () => {
  it('writes the frames of one synchronous run as one socket write at its end', async () => {
    const { client, received } = await socketPair();
    const framed = new FramedSocket(client, {
      limits: transportLimitsDefault,
      logger: new RecordingLogger(),
      label: 'test',
      onFrame: () => {},
      onClose: () => {},
    });
    const write = vi.spyOn(client, 'write');
    for (const n of [1, 2, 3]) expect(framed.send({ kind: 'test', n })).toBe(true);
    expect(write).not.toHaveBeenCalled();
    await Promise.resolve();
    expect(write).toHaveBeenCalledTimes(1);
    expect(await waitFor(() => received.length === 3)).toBe(true);
    expect(received).toEqual([1, 2, 3].map((n) => ({ kind: 'test', n })));
  });

  it("writes a peer link's messages before a save queued right after them runs", async () => {
    const target = await startServer(2);
    cleanups.push(() => target.server.close());
    const transport = new PeerTransport({
      nodeId: 1,
      peers: endpointsOf(new Map([[2, target.server]])),
      ...cluster,
    });
    cleanups.push(() => transport.close());
    expect(await waitFor(() => transport.linkStates().get(2) === 'open')).toBe(true);
    const order: string[] = [];
    const original = Socket.prototype.write;
    vi.spyOn(Socket.prototype, 'write').mockImplementation(function (this: Socket, ...args) {
      order.push('socket write');
      return (original as (...a: unknown[]) => boolean).apply(this, args);
    });
    const commits = new GroupCommit<number>(() => void order.push('fsync'), {
      batchItemsMax: 16,
      failure: (cause) => new Error('write failed', { cause }),
    });
    // What the driver does with a leader's Ready: send the early messages, then save.
    transport.send([heartbeat(1, 2, 7)]);
    await commits.submit(1);
    expect(order).toEqual(['socket write', 'fsync']);
    expect(await waitFor(() => target.received.length === 1)).toBe(true);
  });
});
