// Goal: a live server survives hostile input: random bytes, truncated and oversized frames,
// frames with wrong types or unknown kinds, forged peer proofs and spoofed senders, and
// thousands of connections opened and dropped. Each bad connection is logged and closed, a
// well-behaved client keeps being served, and memory stays bounded. Method: raw sockets on
// 127.0.0.1 against one listener; fast-check drives the frame fuzzing with bounded runs.
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  computeProof,
  encodeFrame,
  FrameDecoder,
  nonceBytes,
  protocolVersion,
  TcpClientTransport,
} from '../src/index.ts';
import { cluster, echoClientServer, heartbeat, startServer, waitFor } from './helpers.ts';

const frameBytesMax = 64 * 1024;
let node: Awaited<ReturnType<typeof startServer>>;
let client: TcpClientTransport;
let port = 0;

beforeAll(async () => {
  node = await startServer(1, { limits: { frameBytesMax, handshakeTimeoutMs: 300 } });
  node.server.setClientServer(echoClientServer(1));
  port = node.server.endpoint().port;
  client = new TcpClientTransport({ servers: new Map([[1, node.server.endpoint()]]) });
});
afterAll(async () => {
  client.close();
  await node.server.close();
});

/** Connects, writes `bytes`, and resolves with the decoded frames once the server closes. */
function exchange(
  bytes: Buffer,
  closeAfterMs = 2000,
): Promise<{ frames: unknown[]; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    const decoder = new FrameDecoder(1 << 20);
    const frames: unknown[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ frames, closedByServer: false });
    }, closeAfterMs);
    socket.on('data', (chunk) => {
      try {
        frames.push(...decoder.push(chunk));
      } catch {}
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ frames, closedByServer: true });
    });
  });
}

async function stillServes(): Promise<void> {
  const reply = await client.call(1, { kind: 'get', key: 'alive', clientId: 1, seq: 0 }, 2000);
  expect(reply).toEqual({ ok: true, value: 'get:alive' });
}

const raw = new Packr({ useRecords: false });
const frameOf = (value: unknown) => encodeFrame(value, 1 << 20);
const clientHello = { kind: 'hello', version: protocolVersion, role: 'client' };

describe('hostile input against a live server', () => {
  it.each([
    ['an oversized frame header', Buffer.from([0xff, 0xff, 0xff, 0xff]), 'exceeds frameBytesMax'],
    ['an empty frame', Buffer.from([0, 0, 0, 0]), 'empty frame payload'],
    ['a garbage payload', Buffer.from([0, 0, 0, 3, 0xdd, 0xff, 0xff]), 'invalid msgpack'],
    ['a frame that is not a map', frameOf([1, 2, 3]), 'frame must be a map'],
    ['an unknown frame kind', frameOf({ kind: 'launchMissiles' }), 'unknown frame kind'],
    [
      'a hello with a string version',
      frameOf({ kind: 'hello', version: 'one', role: 'client' }),
      'version has a wrong type',
    ],
    [
      'a hello of another protocol version',
      frameOf({ ...clientHello, version: 99 }),
      'protocol version 99',
    ],
    [
      'a request before the hello',
      frameOf({ kind: 'request', id: 1, request: { kind: 'get', key: 'k', clientId: 1, seq: 0 } }),
      'expected hello',
    ],
    [
      'a request with an unknown kind',
      Buffer.concat([
        frameOf(clientHello),
        frameOf({ kind: 'request', id: 1, request: { kind: 'drop', key: 'k' } }),
      ]),
      'unknown request kind',
    ],
    [
      'a request with a numeric key',
      Buffer.concat([
        frameOf(clientHello),
        frameOf({ kind: 'request', id: 1, request: { kind: 'get', key: 5 } }),
      ]),
      'key has a wrong type',
    ],
    [
      'a client sending Raft messages',
      Buffer.concat([
        frameOf(clientHello),
        frameOf({ kind: 'raft', messages: [heartbeat(2, 1, 0)] }),
      ]),
      'client sent a raft frame',
    ],
    [
      'a peer hello with a short nonce',
      frameOf({
        kind: 'hello',
        version: protocolVersion,
        role: 'peer',
        cluster: 'test-cluster',
        nodeId: 2,
        nonce: Buffer.alloc(3),
      }),
      'nonce has a wrong type',
    ],
  ])('logs and closes the connection on %s', async (_name, bytes, logged) => {
    const { closedByServer } = await exchange(bytes);
    expect(closedByServer).toBe(true);
    expect(node.logger.has(logged)).toBe(true);
    await stillServes();
  });

  it('closes a truncated frame at the handshake deadline', async () => {
    const { closedByServer } = await exchange(Buffer.from([0, 0, 0, 100, 1, 2, 3]));
    expect(closedByServer).toBe(true);
    expect(node.logger.has('handshake timed out')).toBe(true);
    await stillServes();
  });

  it('refuses a peer whose proof is forged, and one that spoofs its sender id', async () => {
    const forged = await peerExchange('not the secret', heartbeat(2, 1, 0));
    expect(forged.frames.map((f) => (f as { kind: string }).kind)).toEqual(['challenge', 'refuse']);
    expect(node.logger.has('refused: wrong cluster secret')).toBe(true);
    const spoofed = await peerExchange(cluster.secret, heartbeat(3, 1, 0));
    expect(spoofed.frames.map((f) => (f as { kind: string }).kind)).toEqual([
      'challenge',
      'welcome',
    ]);
    expect(node.logger.has('peer 2 sent a message from 3 to 1')).toBe(true);
    expect(node.received).toEqual([]);
    await stillServes();
  });

  it('survives random bytes and random msgpack values (fuzzed, bounded runs)', async () => {
    const anyFrame = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc.anything({ maxDepth: 3 }).map((v) => frameOf(v)),
      fc
        .record({
          kind: fc.constantFrom('hello', 'auth', 'raft', 'request', 'admin'),
          id: fc.anything(),
        })
        .map((v) => Buffer.concat([frameOf(clientHello), frameOf(v)])),
    );
    await fc.assert(
      fc.asyncProperty(anyFrame, async (bytes) => {
        await exchange(bytes, 50);
      }),
      { numRuns: 60, seed: 7 },
    );
    await stillServes();
  });

  it('keeps serving and bounds memory across 2000 connections opened and dropped', async () => {
    const before = process.memoryUsage().heapUsed;
    const started = Date.now();
    for (let wave = 0; wave < 10; wave++) {
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          exchange(i % 2 === 0 ? Buffer.from([0, 0, 0x10]) : raw.pack({ kind: 'hello' }), 20),
        ),
      );
    }
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await waitFor(() => node.server.connectionCount() <= 1, 5000)).toBe(true);
    await stillServes();
    const grownBytes = process.memoryUsage().heapUsed - before;
    expect(grownBytes).toBeLessThan(64 * 1024 * 1024);
  });
});

// Dials as peer 2, answers the challenge with a proof under `secret`, then sends `message`.
function peerExchange(secret: string, message: unknown) {
  return new Promise<{ frames: unknown[] }>((resolve) => {
    const nonce = Buffer.alloc(nonceBytes, 1);
    const socket: Socket = connect({ host: '127.0.0.1', port }, () =>
      socket.write(
        frameOf({
          kind: 'hello',
          version: protocolVersion,
          role: 'peer',
          ...{ cluster: cluster.cluster },
          nodeId: 2,
          nonce,
        }),
      ),
    );
    const decoder = new FrameDecoder(1 << 20);
    const frames: unknown[] = [];
    const timer = setTimeout(() => socket.destroy(), 3000);
    socket.on('data', (chunk) => {
      for (const frame of decoder.push(chunk)) {
        frames.push(frame);
        const f = frame as { kind: string; nonce: Uint8Array; nodeId: number };
        if (f.kind === 'challenge') {
          const context = {
            cluster: cluster.cluster,
            dialerId: 2,
            listenerId: 1,
            dialerNonce: nonce,
            listenerNonce: f.nonce,
          };
          socket.write(frameOf({ kind: 'auth', proof: computeProof(secret, 'dialer', context) }));
        }
        if (f.kind === 'welcome') socket.write(frameOf({ kind: 'raft', messages: [message] }));
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ frames });
    });
  });
}
