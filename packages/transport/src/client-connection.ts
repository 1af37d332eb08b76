// One client connection to one server: a hello, then any number of requests in flight, each
// tagged with a request id and answered out of order. A failed connection fails its pending
// calls with `undefined` (the reply was lost), never with a guess.
import type { ClientReply, ClientRequest } from '@kvraft/kv-service';
import { type Endpoint, formatEndpoint } from './address.ts';
import type { AdminReply, AdminRequest } from './admin-protocol.ts';
import { HandshakeError } from './errors.ts';
import { FramedSocket } from './framed-socket.ts';
import type { TransportLimits } from './limits.ts';
import type { TransportLogger } from './logger.ts';
import { type ClientTlsOptions, dial } from './tls-options.ts';
import { protocolVersion, validateClientInbound } from './wire-frames.ts';

type Answer = ClientReply | AdminReply;

interface PendingCall {
  readonly kind: 'reply' | 'adminReply';
  readonly resolve: (answer: Answer | undefined) => void;
  readonly timer: NodeJS.Timeout;
}

/** A multiplexed client connection to one server endpoint. */
export class ClientConnection {
  private readonly connection: FramedSocket;
  private readonly pending = new Map<number, PendingCall>();
  private readonly ready: Promise<boolean>;
  private nextId = 1;

  /** Dials `endpoint` and starts the hello. */
  constructor(
    readonly endpoint: Endpoint,
    tls: ClientTlsOptions | undefined,
    private readonly limits: TransportLimits,
    logger: TransportLogger,
  ) {
    const { socket, readyEvent } = dial(endpoint, tls);
    let settleReady: (ok: boolean) => void = () => {};
    this.ready = new Promise((resolve) => {
      settleReady = resolve;
    });
    this.connection = new FramedSocket(socket, {
      limits,
      logger,
      label: `client -> ${formatEndpoint(endpoint)}`,
      onFrame: (value) => {
        const frame = validateClientInbound(value);
        if (frame.kind === 'welcome') return settleReady(true);
        if (frame.kind === 'refuse') throw new HandshakeError(`server refused: ${frame.reason}`);
        this.settle(frame.id, frame.kind, frame.reply);
      },
      onClose: () => {
        settleReady(false);
        for (const id of [...this.pending.keys()]) this.settle(id, undefined, undefined);
      },
    });
    socket.once(readyEvent, () => {
      this.connection.send({ kind: 'hello', version: protocolVersion, role: 'client' });
    });
  }

  /** Whether the connection is gone (a new one must be dialed). */
  isClosed(): boolean {
    return this.connection.isClosed();
  }

  /** Sends a client request; resolves with the reply or undefined on timeout or failure. */
  request(request: ClientRequest, timeoutMs: number): Promise<ClientReply | undefined> {
    return this.call('request', request, timeoutMs) as Promise<ClientReply | undefined>;
  }

  /** Sends an admin request; resolves with the reply or undefined on timeout or failure. */
  admin(request: AdminRequest, timeoutMs: number): Promise<AdminReply | undefined> {
    return this.call('admin', request, timeoutMs) as Promise<AdminReply | undefined>;
  }

  /** Closes the connection; pending calls resolve with undefined. */
  close(): void {
    this.connection.close('client closed', 'info');
  }

  private async call(
    kind: 'request' | 'admin',
    body: ClientRequest | AdminRequest,
    timeoutMs: number,
  ): Promise<Answer | undefined> {
    if (this.pending.size >= this.limits.inflightRequestsMax) return undefined;
    const id = this.nextId++;
    const answered = new Promise<Answer | undefined>((resolve) => {
      const timer = setTimeout(() => this.settle(id, undefined, undefined), timeoutMs);
      this.pending.set(id, { kind: kind === 'request' ? 'reply' : 'adminReply', resolve, timer });
    });
    if (!(await this.ready)) {
      this.settle(id, undefined, undefined);
      return answered;
    }
    const frame = kind === 'request' ? { kind, id, request: body } : { kind, id, admin: body };
    if (!this.connection.send(frame)) this.settle(id, undefined, undefined);
    return answered;
  }

  // Resolves a pending call once; a reply of the wrong kind counts as lost.
  private settle(
    id: number,
    kind: PendingCall['kind'] | undefined,
    answer: Answer | undefined,
  ): void {
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(kind === pending.kind ? answer : undefined);
  }
}
