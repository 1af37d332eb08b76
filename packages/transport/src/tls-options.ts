// Optional TLS for every port of a node: the same certificate, key and CA serve the listener and
// the outbound peer links; clients verify the server against the CA.
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Endpoint } from './address.ts';

/**
 * TLS material of a client that only dials: the CA to trust, and a certificate and key only
 * when the server asks for one (PEM strings or buffers).
 */
export interface ClientTlsOptions {
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /** The CA that signed the server's certificate; required to verify the other end. */
  readonly ca?: string | Buffer;
  /** Skip hostname checks (peers are already authenticated by the cluster secret). */
  readonly verifyHostname?: boolean;
}

/** TLS material of a node, which also listens, so it must have a certificate and key. */
export interface TlsOptions extends ClientTlsOptions {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

/** Creates a TCP or TLS server for `onSocket`. */
export function createServer(
  tlsOptions: TlsOptions | undefined,
  onSocket: (socket: net.Socket) => void,
): net.Server {
  if (tlsOptions === undefined) return net.createServer(onSocket);
  const { cert, key, ca } = tlsOptions;
  return tls.createServer({ cert, key, ...(ca === undefined ? {} : { ca }) }, onSocket);
}

/** Dials `endpoint` over TCP or TLS; the socket emits 'connect' or 'secureConnect' when up. */
export function dial(
  endpoint: Endpoint,
  tlsOptions: ClientTlsOptions | undefined,
): { socket: net.Socket; readyEvent: 'connect' | 'secureConnect' } {
  if (tlsOptions === undefined) {
    return {
      socket: net.connect({ host: endpoint.host, port: endpoint.port }),
      readyEvent: 'connect',
    };
  }
  const { cert, key, ca } = tlsOptions;
  const socket = tls.connect({
    host: endpoint.host,
    port: endpoint.port,
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(ca === undefined ? {} : { ca }),
    ...(tlsOptions.verifyHostname === false ? { checkServerIdentity: () => undefined } : {}),
  });
  return { socket, readyEvent: 'secureConnect' };
}
