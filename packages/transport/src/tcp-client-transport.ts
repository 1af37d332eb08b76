// The clerk's ClientTransport port over TCP: `call(server, request, timeoutMs)` sends the request
// to the server with that index over a shared, multiplexed connection, and resolves with its
// reply, or `undefined` when it was lost (timeout, refused, connection dropped).
import type { ClientReply, ClientRequest } from '@kvraft/kv-service';
import { type Endpoint, parseEndpoint } from './address.ts';
import type { AdminReply, AdminRequest } from './admin-protocol.ts';
import { ClientConnection } from './client-connection.ts';
import { resolveTransportLimits, type TransportLimits } from './limits.ts';
import { silentLogger, type TransportLogger } from './logger.ts';
import type { TlsOptions } from './tls-options.ts';

/** Options of a TCP client transport. */
export interface TcpClientTransportOptions {
  /** The servers' endpoints (`host:port` strings or parsed); `call` addresses them by index. */
  readonly servers: readonly (string | Endpoint)[];
  readonly tls?: TlsOptions;
  readonly limits?: Partial<TransportLimits>;
  readonly logger?: TransportLogger;
}

/** Sends client requests to kvraft servers over TCP, one multiplexed connection per server. */
export class TcpClientTransport {
  private readonly endpoints: readonly Endpoint[];
  private readonly connections = new Map<number, ClientConnection>();
  private readonly limits: TransportLimits;
  private readonly logger: TransportLogger;
  private closed = false;

  /** Creates the transport; connections are dialed lazily, on first use. */
  constructor(private readonly options: TcpClientTransportOptions) {
    this.endpoints = options.servers.map((s) => (typeof s === 'string' ? parseEndpoint(s) : s));
    this.limits = resolveTransportLimits(options.limits);
    this.logger = options.logger ?? silentLogger;
  }

  /** How many servers the transport knows. */
  serverCount(): number {
    return this.endpoints.length;
  }

  /** Sends `request` to server `server`; resolves with its reply or undefined when lost. */
  call(
    server: number,
    request: ClientRequest,
    timeoutMs: number,
  ): Promise<ClientReply | undefined> {
    const connection = this.connectionTo(server);
    return connection === undefined
      ? Promise.resolve(undefined)
      : connection.request(request, timeoutMs);
  }

  /** Sends an admin request to server `server`; resolves with its reply or undefined. */
  admin(server: number, request: AdminRequest, timeoutMs: number): Promise<AdminReply | undefined> {
    const connection = this.connectionTo(server);
    return connection === undefined
      ? Promise.resolve(undefined)
      : connection.admin(request, timeoutMs);
  }

  /** Closes every connection; later calls resolve with undefined. */
  close(): void {
    this.closed = true;
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }

  private connectionTo(server: number): ClientConnection | undefined {
    const endpoint = this.endpoints[server];
    if (this.closed || endpoint === undefined) return undefined;
    let connection = this.connections.get(server);
    if (connection === undefined || connection.isClosed()) {
      connection = new ClientConnection(endpoint, this.options.tls, this.limits, this.logger);
      this.connections.set(server, connection);
    }
    return connection;
  }
}
