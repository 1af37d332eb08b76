// The clerk's ClientTransport port over TCP: `call(server, request, timeoutMs)` sends the request
// to the server with that node id over a shared, multiplexed connection, and resolves with its
// reply, or `undefined` when it was lost (timeout, refused, connection dropped).
import type { ClientReply, ClientRequest } from '@kvraft/kv-service';
import { type Endpoint, parseEndpoint } from './address.ts';
import type { AdminReply, AdminRequest } from './admin-protocol.ts';
import { ClientConnection } from './client-connection.ts';
import { resolveTransportLimits, type TransportLimits } from './limits.ts';
import { silentLogger, type TransportLogger } from './logger.ts';
import type { ClientTlsOptions } from './tls-options.ts';

/** Options of a TCP client transport. */
export interface TcpClientTransportOptions {
  /** Each server's endpoint (`host:port` or parsed), keyed by its node id, as `call` names it. */
  readonly servers: ReadonlyMap<number, string | Endpoint>;
  /** Dial every server over TLS, trusting `tls.ca` (a client certificate is optional). */
  readonly tls?: ClientTlsOptions;
  readonly limits?: Partial<TransportLimits>;
  readonly logger?: TransportLogger;
}

/** Sends client requests to kvraft servers over TCP, one multiplexed connection per server. */
export class TcpClientTransport {
  private readonly endpoints: ReadonlyMap<number, Endpoint>;
  private readonly connections = new Map<number, ClientConnection>();
  private readonly limits: TransportLimits;
  private readonly logger: TransportLogger;
  private closed = false;

  /** Creates the transport; connections are dialed lazily, on first use. */
  constructor(private readonly options: TcpClientTransportOptions) {
    this.endpoints = new Map(
      [...options.servers].map(([id, s]) => [id, typeof s === 'string' ? parseEndpoint(s) : s]),
    );
    this.limits = resolveTransportLimits(options.limits);
    this.logger = options.logger ?? silentLogger;
  }

  /** The node ids of the servers the transport knows. */
  serverIds(): number[] {
    return [...this.endpoints.keys()];
  }

  /** Sends `request` to the server with node id `server`; resolves with its reply or undefined when lost. */
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

  /**
   * Sends an admin request to server `server`; resolves with its reply (of the request's kind),
   * or undefined when lost or answered with another kind.
   */
  async admin<K extends AdminRequest['kind']>(
    server: number,
    request: Extract<AdminRequest, { kind: K }>,
    timeoutMs: number,
  ): Promise<Extract<AdminReply, { kind: K }> | undefined> {
    const connection = this.connectionTo(server);
    if (connection === undefined) return undefined;
    const reply = await connection.admin(request, timeoutMs);
    return reply?.kind === request.kind ? (reply as Extract<AdminReply, { kind: K }>) : undefined;
  }

  /** Closes every connection; later calls resolve with undefined. */
  close(): void {
    this.closed = true;
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }

  private connectionTo(server: number): ClientConnection | undefined {
    const endpoint = this.endpoints.get(server);
    if (this.closed || endpoint === undefined) return undefined;
    let connection = this.connections.get(server);
    if (connection === undefined || connection.isClosed()) {
      connection = new ClientConnection(endpoint, this.options.tls, this.limits, this.logger);
      this.connections.set(server, connection);
    }
    return connection;
  }
}
