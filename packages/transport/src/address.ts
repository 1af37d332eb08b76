// Parsing of `host:port` endpoint strings, shared by the server, the peer links and the clients.
import { AddressError } from './errors.ts';

/** A TCP endpoint. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** Parses `host:port` (IPv6 as `[::1]:port`); throws AddressError on anything else. */
export function parseEndpoint(text: string): Endpoint {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  if (match === null) throw new AddressError(`expected host:port, got '${text}'`);
  const host = match[1] ?? match[2] ?? '';
  const port = Number(match[3]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AddressError(`port must be 0..65535, got '${match[3]}' in '${text}'`);
  }
  return { host, port };
}

/** Renders an endpoint as `host:port`. */
export function formatEndpoint(endpoint: Endpoint): string {
  return endpoint.host.includes(':')
    ? `[${endpoint.host}]:${endpoint.port}`
    : `${endpoint.host}:${endpoint.port}`;
}
