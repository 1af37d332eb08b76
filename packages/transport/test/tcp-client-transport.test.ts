// Goal: the clerk's ClientTransport port over TCP: replies match their requests when many are in
// flight and answered out of order, and a lost reply (timeout, dead server) is `undefined`.
// Method: a real listener with an echo handler on an ephemeral 127.0.0.1 port.
import { afterEach, describe, expect, it } from 'vitest';
import { TcpClientTransport } from '../src/index.ts';
import { echoClientServer, startServer } from './helpers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(delayMs: (key: string) => number = () => 0) {
  const node = await startServer(1);
  node.server.setClientServer(echoClientServer(1, (r) => delayMs(r.key)));
  cleanups.push(() => node.server.close());
  const client = new TcpClientTransport({ servers: new Map([[1, node.server.endpoint()]]) });
  cleanups.push(() => client.close());
  return { node, client };
}

describe('TcpClientTransport', () => {
  it('matches 200 concurrent requests to their out-of-order replies', async () => {
    const { client } = await serve((key) => (Number(key) * 7) % 23);
    const keys = Array.from({ length: 200 }, (_, i) => String(i));
    const replies = await Promise.all(
      keys.map((key) => client.call(1, { kind: 'get', key, clientId: 1, seq: 0 }, 5000)),
    );
    expect(replies).toEqual(keys.map((key) => ({ ok: true, value: `get:${key}` })));
  });

  it('answers status requests', async () => {
    const { client } = await serve();
    const reply = await client.admin(1, { kind: 'status' }, 5000);
    expect(reply?.status).toMatchObject({ nodeId: 1, role: 'leader', commitIndex: 10 });
  });

  it('resolves undefined when the reply does not come in time', async () => {
    const { client } = await serve(() => 500);
    const reply = await client.call(
      0,
      { kind: 'put', key: 'k', value: 'v', clientId: 1, seq: 1 },
      50,
    );
    expect(reply).toBeUndefined();
  });

  it('resolves undefined for a dead server and an unknown server index', async () => {
    const { node, client } = await serve();
    const port = node.server.endpoint().port;
    await node.server.close();
    const dead = new TcpClientTransport({ servers: new Map([[1, `127.0.0.1:${port}`]]) });
    cleanups.push(() => dead.close());
    expect(
      await dead.call(1, { kind: 'get', key: 'k', clientId: 1, seq: 0 }, 2000),
    ).toBeUndefined();
    expect(
      await client.call(5, { kind: 'get', key: 'k', clientId: 1, seq: 0 }, 100),
    ).toBeUndefined();
  });

  it('reconnects after the server restarts', async () => {
    const { node, client } = await serve();
    const port = node.server.endpoint().port;
    const request = { kind: 'get', key: 'a', clientId: 1, seq: 0 } as const;
    expect(await client.call(1, request, 2000)).toEqual({ ok: true, value: 'get:a' });
    await node.server.close();
    const again = await startServer(1, { port });
    again.server.setClientServer(echoClientServer(1));
    cleanups.push(() => again.server.close());
    let reply: unknown;
    for (let attempt = 0; attempt < 20 && reply === undefined; attempt++) {
      reply = await client.call(1, request, 500);
    }
    expect(reply).toEqual({ ok: true, value: 'get:a' });
  });

  it('refuses clients before a client server is set', async () => {
    const node = await startServer(1);
    cleanups.push(() => node.server.close());
    const client = new TcpClientTransport({ servers: new Map([[1, node.server.endpoint()]]) });
    cleanups.push(() => client.close());
    expect(
      await client.call(1, { kind: 'get', key: 'k', clientId: 1, seq: 0 }, 2000),
    ).toBeUndefined();
    expect(node.logger.has('not serving clients yet')).toBe(true);
  });
});
