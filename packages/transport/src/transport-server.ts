// The listener of one node: a single TCP (or TLS) port that serves both peers and clients. Each
// connection opens with a hello; peers then pass the challenge–response and may only send Raft
// batches from their own id, clients send requests tagged with ids and get replies out of order.
import type { Server, Socket } from 'node:net';
import type { ClientReply, ClientRequest } from '@kvraft/kv-service';
import type { Message, NodeId } from '@kvraft/raft-core';
import { type Endpoint, formatEndpoint } from './address.ts';
import type { AdminReply, AdminRequest } from './admin-protocol.ts';
import { FrameDecodeError, HandshakeError } from './errors.ts';
import { FramedSocket } from './framed-socket.ts';
import { resolveTransportLimits, type TransportLimits } from './limits.ts';
import { silentLogger, type TransportLogger } from './logger.ts';
import { computeProof, newNonce, type ProofContext, verifyProof } from './peer-auth.ts';
import { createServer, type TlsOptions } from './tls-options.ts';
import { type CallFrame, protocolVersion, validateServerInbound } from './wire-frames.ts';

/** Serves client requests and admin requests; the KV server behind a node's client port. */
export interface ClientServer {
  /** Serves one client request; a rejection is logged and answered with Timeout. */
  request(request: ClientRequest): Promise<ClientReply>;
  /** Serves one admin request. */
  admin(request: AdminRequest): Promise<AdminReply>;
}

/** Options of a node's listener. */
export interface TransportServerOptions {
  /** Where to listen; port 0 picks a free port (see `endpoint()`). */
  readonly listen: Endpoint;
  readonly nodeId: NodeId;
  /** The cluster's name; a peer of another cluster is refused. */
  readonly cluster: string;
  /** The shared cluster secret that peers prove they know. */
  readonly secret: string;
  readonly tls?: TlsOptions;
  readonly limits?: Partial<TransportLimits>;
  readonly logger?: TransportLogger;
}

type Phase =
  | { readonly name: 'hello' }
  | { readonly name: 'auth'; readonly context: ProofContext }
  | { readonly name: 'peer'; readonly peerId: NodeId }
  | { readonly name: 'client'; inflight: number };

/** A node's listening socket for peers and clients. */
export class TransportServer {
  private readonly limits: TransportLimits;
  private readonly logger: TransportLogger;
  private readonly connections = new Set<FramedSocket>();
  private raftHandler: (messages: readonly Message[], from: NodeId) => void = () => {};
  private clientServer: ClientServer | null = null;
  private bound: Endpoint;

  private constructor(
    private readonly options: TransportServerOptions,
    private readonly server: Server,
  ) {
    this.limits = resolveTransportLimits(options.limits);
    this.logger = options.logger ?? silentLogger;
    this.bound = options.listen;
  }

  /** Starts listening; resolves once the port is bound. */
  static async listen(options: TransportServerOptions): Promise<TransportServer> {
    let self: TransportServer | null = null;
    const server = createServer(options.tls, (socket) => self?.accept(socket));
    self = new TransportServer(options, server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.listen.port, options.listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address !== null && typeof address === 'object') {
      self.bound = { host: options.listen.host, port: address.port };
    }
    server.on('error', (error) => self?.logger.error({ err: error.message }, 'listener error'));
    return self;
  }

  /** The bound endpoint (with the real port when listening on port 0). */
  endpoint(): Endpoint {
    return this.bound;
  }

  /** Connections currently open (any phase). */
  connectionCount(): number {
    return this.connections.size;
  }

  /** Sets who receives Raft batches from authenticated peers. */
  setRaftHandler(handler: (messages: readonly Message[], from: NodeId) => void): void {
    this.raftHandler = handler;
  }

  /** Sets who serves client and admin requests; until then clients are refused. */
  setClientServer(clientServer: ClientServer): void {
    this.clientServer = clientServer;
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of [...this.connections])
      connection.close('server shutting down', 'info');
    await closed;
  }

  private accept(socket: Socket): void {
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    if (this.connections.size >= this.limits.connectionsMax) {
      this.logger.warn(
        { remote, connectionsMax: this.limits.connectionsMax },
        'connection refused',
      );
      socket.destroy();
      return;
    }
    let phase: Phase = { name: 'hello' };
    const connection: FramedSocket = new FramedSocket(socket, {
      limits: this.limits,
      logger: this.logger,
      label: `${formatEndpoint(this.bound)} <- ${remote}`,
      onFrame: (value) => {
        phase = this.onFrame(connection, phase, value);
      },
      onClose: () => {
        clearTimeout(handshakeTimer);
        this.connections.delete(connection);
        if (phase.name === 'auth') {
          const peer = phase.context.dialerId;
          // The dialer checks our proof first, so a peer with another secret leaves here.
          this.logger.warn(
            { peer, remote },
            'peer left during authentication (wrong cluster secret?)',
          );
        }
      },
    });
    this.connections.add(connection);
    const handshakeTimer = setTimeout(() => {
      if (phase.name === 'hello' || phase.name === 'auth') connection.close('handshake timed out');
    }, this.limits.handshakeTimeoutMs);
  }

  // Advances one connection's protocol by one frame; throws to close it.
  private onFrame(connection: FramedSocket, phase: Phase, value: unknown): Phase {
    const frame = validateServerInbound(value);
    switch (phase.name) {
      case 'hello':
        if (frame.kind !== 'hello') throw new HandshakeError(`expected hello, got ${frame.kind}`);
        return this.onHello(connection, frame);
      case 'auth': {
        if (frame.kind !== 'auth') throw new HandshakeError(`expected auth, got ${frame.kind}`);
        if (!verifyProof(this.options.secret, 'dialer', phase.context, frame.proof)) {
          return this.refuse(connection, 'wrong cluster secret');
        }
        connection.send({ kind: 'welcome', nodeId: this.options.nodeId });
        this.logger.info({ peer: phase.context.dialerId }, 'peer authenticated');
        return { name: 'peer', peerId: phase.context.dialerId };
      }
      case 'peer':
        if (frame.kind !== 'raft') throw new FrameDecodeError(`peer sent a ${frame.kind} frame`);
        for (const message of frame.messages) {
          if (message.from !== phase.peerId || message.to !== this.options.nodeId) {
            throw new FrameDecodeError(
              `peer ${phase.peerId} sent a message from ${message.from} to ${message.to}`,
            );
          }
        }
        this.raftHandler(frame.messages, phase.peerId);
        return phase;
      case 'client':
        if (frame.kind !== 'request' && frame.kind !== 'admin') {
          throw new FrameDecodeError(`client sent a ${frame.kind} frame`);
        }
        this.serveCall(connection, phase, frame);
        return phase;
    }
  }

  private onHello(
    connection: FramedSocket,
    hello: ReturnType<typeof validateServerInbound>,
  ): Phase {
    if (hello.kind !== 'hello') throw new HandshakeError('expected hello');
    if (hello.version !== protocolVersion) {
      return this.refuse(
        connection,
        `protocol version ${hello.version}, expected ${protocolVersion}`,
      );
    }
    if (hello.role === 'client') {
      if (this.clientServer === null) return this.refuse(connection, 'not serving clients yet');
      connection.send({ kind: 'welcome', nodeId: this.options.nodeId });
      return { name: 'client', inflight: 0 };
    }
    if (hello.cluster !== this.options.cluster) {
      return this.refuse(connection, `wrong cluster '${hello.cluster}'`);
    }
    const context: ProofContext = {
      cluster: this.options.cluster,
      dialerId: hello.nodeId,
      listenerId: this.options.nodeId,
      dialerNonce: hello.nonce,
      listenerNonce: newNonce(),
    };
    const proof = computeProof(this.options.secret, 'listener', context);
    connection.send({
      kind: 'challenge',
      nodeId: this.options.nodeId,
      nonce: context.listenerNonce,
      proof,
    });
    return { name: 'auth', context };
  }

  // Tells the other end why, logs it, and closes once the refusal is flushed.
  private refuse(connection: FramedSocket, reason: string): Phase {
    connection.send({ kind: 'refuse', reason });
    connection.close(`refused: ${reason}`, 'warn', true);
    return { name: 'hello' };
  }

  private serveCall(connection: FramedSocket, phase: { inflight: number }, frame: CallFrame): void {
    const clientServer = this.clientServer!;
    if (phase.inflight >= this.limits.inflightRequestsMax) {
      throw new FrameDecodeError(`more than ${this.limits.inflightRequestsMax} requests in flight`);
    }
    phase.inflight++;
    const id = frame.id;
    const answer =
      frame.kind === 'request'
        ? clientServer.request(frame.request).then((reply) => ({ kind: 'reply', id, reply }))
        : clientServer.admin(frame.admin).then((reply) => ({ kind: 'adminReply', id, reply }));
    answer
      .catch((error: unknown) => {
        this.logger.error({ err: String(error) }, 'client handler failed');
        const reply: ClientReply = { ok: false, error: 'Timeout', message: 'server error' };
        return { kind: 'reply', id, reply };
      })
      .then((out) => {
        phase.inflight--;
        connection.send(out);
      });
  }
}
