// Goal: with TLS on, peer links and client requests work end to end, and a client that does not
// speak TLS or does not trust the cluster's CA gets no answer. Method: openssl makes a throwaway
// CA and a certificate for 127.0.0.1 in a temp dir; real listeners on ephemeral ports.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  PeerTransport,
  TcpClientTransport,
  type TlsOptions,
  TransportServer,
} from '../src/index.ts';
import { cluster, echoClientServer, heartbeat, RecordingLogger, waitFor } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'kvraft-tls-'));
const cleanups: (() => Promise<void> | void)[] = [];
let trusted: TlsOptions;
let untrusted: TlsOptions;

/** Makes a CA and a certificate for 127.0.0.1 signed by it; returns PEM material. */
function makePki(name: string): TlsOptions {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${name}-ca`,
    '-keyout',
    `${name}-ca.key`,
    '-out',
    `${name}-ca.pem`,
  );
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  );
  execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1' > ${name}.ext`], { cwd: dir });
  run(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${name}-ca.pem`,
    '-CAkey',
    `${name}-ca.key`,
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  );
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return { cert: read(`${name}.pem`), key: read(`${name}.key`), ca: read(`${name}-ca.pem`) };
}

beforeAll(() => {
  trusted = makePki('cluster');
  untrusted = makePki('stranger');
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function listen(nodeId: number, tls: TlsOptions) {
  const logger = new RecordingLogger();
  const server = await TransportServer.listen({
    listen: { host: '127.0.0.1', port: 0 },
    nodeId,
    ...cluster,
    logger,
    tls,
  });
  cleanups.push(() => server.close());
  return server;
}

describe('TLS', () => {
  it('carries Raft messages between peers over TLS', async () => {
    const server = await listen(2, trusted);
    const received: unknown[] = [];
    server.setRaftHandler((messages) => received.push(...messages));
    const transport = new PeerTransport({
      nodeId: 1,
      peers: new Map([[2, server.endpoint()]]),
      ...cluster,
      logger: new RecordingLogger(),
      tls: trusted,
    });
    cleanups.push(() => transport.close());
    transport.send([heartbeat(1, 2, 42)]);
    expect(await waitFor(() => received.length === 1)).toBe(true);
    expect(received[0]).toMatchObject({ type: 'Heartbeat', from: 1, readContext: 42 });
  });

  it('answers a client that trusts the CA, and no client that does not', async () => {
    const server = await listen(1, trusted);
    server.setClientServer(echoClientServer(1));
    const request = { kind: 'get', key: 'k', clientId: 1, seq: 0 } as const;
    const endpoints = new Map([[1, server.endpoint()]]);
    const good = new TcpClientTransport({ servers: endpoints, tls: trusted });
    const plain = new TcpClientTransport({ servers: endpoints });
    const stranger = new TcpClientTransport({ servers: endpoints, tls: untrusted });
    cleanups.push(
      () => good.close(),
      () => plain.close(),
      () => stranger.close(),
    );
    expect(await good.call(1, request, 5000)).toEqual({ ok: true, value: 'get:k' });
    expect(await plain.call(1, request, 1000)).toBeUndefined();
    expect(await stranger.call(1, request, 1000)).toBeUndefined();
  });

  it('answers a client that has only the CA and no certificate of its own', async () => {
    const server = await listen(1, trusted);
    server.setClientServer(echoClientServer(1));
    const request = { kind: 'get', key: 'k', clientId: 1, seq: 0 } as const;
    const endpoints = new Map([[1, server.endpoint()]]);
    const caOnly = new TcpClientTransport({ servers: endpoints, tls: { ca: trusted.ca! } });
    const wrongCa = new TcpClientTransport({ servers: endpoints, tls: { ca: untrusted.ca! } });
    cleanups.push(
      () => caOnly.close(),
      () => wrongCa.close(),
    );
    expect(await caOnly.call(1, request, 5000)).toEqual({ ok: true, value: 'get:k' });
    expect(await wrongCa.call(1, request, 1000)).toBeUndefined();
  });
});
