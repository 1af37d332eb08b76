// Goal: the fault proxy forwards frames byte for byte, always lets handshake frames through, and
// drops, duplicates, reorders and cuts data frames as told. Method: a frame-echo-free sink
// server on 127.0.0.1 that collects decoded frames, a proxy in front of it, and a client that
// writes encoded frames; every wait is bounded.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { encodeFrame, FrameDecoder } from '@kvraft/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy } from '../src/fault-proxy.ts';
import { linkFaultsNone } from '../src/link-faults.ts';

const frameBytesMax = 1 << 20;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sink(): Promise<{ port: number; received: unknown[] }> {
  const received: unknown[] = [];
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    const decoder = new FrameDecoder(frameBytesMax);
    socket.on('data', (chunk) => received.push(...decoder.push(chunk)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  return { port: typeof address === 'object' && address !== null ? address.port : 0, received };
}

async function through(random: () => number) {
  const target = await sink();
  const proxy = await FaultProxy.listen({
    listen: { host: '127.0.0.1', port: 0 },
    target: () => ({ host: '127.0.0.1', port: target.port }),
    random,
  });
  cleanups.push(() => proxy.close());
  const client = connect(proxy.endpoint.port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  cleanups.push(async () => void client.destroy());
  const send = (value: unknown) => client.write(encodeFrame(value, frameBytesMax));
  return { proxy, send, received: target.received };
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  for (let waited = 0; !condition() && waited < timeoutMs; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const data = (n: number) => ({ kind: 'raft', messages: [n] });

describe('FaultProxy', () => {
  it('forwards every frame in order on a clean link', async () => {
    const { send, received } = await through(() => 0.5);
    for (let i = 0; i < 20; i++) send(data(i));
    await until(() => received.length === 20);
    expect(received).toEqual(Array.from({ length: 20 }, (_, i) => data(i)));
  });

  it('cuts data frames but lets the handshake through', async () => {
    const { proxy, send, received } = await through(() => 0.5);
    proxy.setFaults({ ...linkFaultsNone, cut: true });
    send({ kind: 'hello', version: 1, role: 'client' });
    send(data(1));
    send({ kind: 'auth', proof: 'x' });
    await until(() => received.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received.map((v) => (v as { kind: string }).kind)).toEqual(['hello', 'auth']);
    expect(proxy.stats.dropped).toBe(1);
  });

  it('duplicates every frame at duplicateRate 1 and drops every frame at dropRate 1', async () => {
    const { proxy, send, received } = await through(() => 0.5);
    proxy.setFaults({ ...linkFaultsNone, duplicateRate: 1 });
    send(data(1));
    await until(() => received.length === 2);
    proxy.setFaults({ ...linkFaultsNone, dropRate: 1 });
    send(data(2));
    // Faults apply to a frame as it reaches the proxy, so wait for it before healing.
    await until(() => proxy.stats.frames === 2);
    proxy.setFaults(linkFaultsNone);
    send(data(3));
    await until(() => received.length === 3);
    expect(received).toEqual([data(1), data(1), data(3)]);
  });

  it('reorders a held frame behind the next one', async () => {
    const { proxy, send, received } = await through(() => 0.5);
    proxy.setFaults({ ...linkFaultsNone, reorderRate: 0.6 });
    send(data(1));
    await until(() => proxy.stats.frames === 1);
    proxy.setFaults(linkFaultsNone);
    send(data(2));
    await until(() => received.length === 2);
    expect(received).toEqual([data(2), data(1)]);
  });

  it('delays frames and keeps their order under jitter', async () => {
    let draw = 0;
    const { proxy, send, received } = await through(() => ((draw++ * 0.37) % 1) * 0.99);
    proxy.setFaults({ ...linkFaultsNone, delayMs: 20, jitterMs: 30 });
    for (let i = 0; i < 10; i++) send(data(i));
    await until(() => received.length === 10);
    expect(received).toEqual(Array.from({ length: 10 }, (_, i) => data(i)));
    expect(proxy.stats.delayed).toBe(10);
  });
});
