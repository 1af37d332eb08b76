// One outbound link to one peer: dials, authenticates by challenge–response, and sends queued
// Raft messages as batches, one frame per flush and one socket write for all of a flush's frames.
// The flush runs at the end of the synchronous run that queued the messages (a microtask), so a
// leader's AppendEntries reach the socket before its own fsync starts (thesis §10.2.1). On any
// failure it reconnects after an exponential, jittered, bounded backoff. Delivery is
// best-effort, as the Transport port allows.
import { type Message, messageBytes, type NodeId } from '@kvraft/raft-core';
import { type Endpoint, formatEndpoint } from './address.ts';
import { HandshakeError } from './errors.ts';
import { FramedSocket } from './framed-socket.ts';
import type { TransportLimits } from './limits.ts';
import type { TransportLogger } from './logger.ts';
import { computeProof, newNonce, type ProofContext, verifyProof } from './peer-auth.ts';
import { dial, type TlsOptions } from './tls-options.ts';
import { protocolVersion, validateDialerInbound } from './wire-frames.ts';

/** A peer link's connection state, as the metrics report it. */
export type LinkState = 'connecting' | 'open' | 'backoff' | 'closed';

/** What a link needs to know about its cluster. */
export interface PeerLinkOptions {
  readonly selfId: NodeId;
  readonly peerId: NodeId;
  readonly endpoint: Endpoint;
  readonly cluster: string;
  readonly secret: string;
  readonly tls: TlsOptions | undefined;
  readonly limits: TransportLimits;
  readonly logger: TransportLogger;
  /** Called on every state change. */
  readonly onState: (peerId: NodeId, state: LinkState) => void;
}

/** An outbound, self-healing, batching link to one peer. */
export class PeerLink {
  private state: LinkState = 'connecting';
  private connection: FramedSocket | null = null;
  private queue: Message[] = [];
  // Invariant: queuedBytes is the sum of messageBytes over the queue.
  private queuedBytes = 0;
  private flushScheduled = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;

  /** Creates the link and starts dialing. */
  constructor(private readonly options: PeerLinkOptions) {
    this.connect();
  }

  /** The link's current state. */
  linkState(): LinkState {
    return this.state;
  }

  /** Queues messages; everything queued in one synchronous run goes out as one frame. */
  enqueue(messages: readonly Message[]): void {
    if (this.state === 'closed') return;
    for (const message of messages) {
      this.queue.push(message);
      this.queuedBytes += messageBytes(message);
    }
    // Bound the queue (a peer may be down for long): drop the oldest, Raft resends what matters.
    const { queuedMessagesMax, queuedBytesMax } = this.options.limits;
    while (
      this.queue.length > queuedMessagesMax ||
      (this.queue.length > 1 && this.queuedBytes > queuedBytesMax)
    ) {
      this.queuedBytes -= messageBytes(this.queue.shift()!);
    }
    // A microtask, not setImmediate: the driver queues a Ready's messages before it starts the
    // save, so this flush is queued before the persister's group commit and writes first.
    if (this.state === 'open' && !this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Closes the link for good. */
  close(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.setState('closed');
    this.connection?.close('link closed', 'info');
    this.queue = [];
    this.queuedBytes = 0;
  }

  private flush(): void {
    this.flushScheduled = false;
    const connection = this.connection;
    if (this.state !== 'open' || connection === null) return;
    const { batchMessagesMax, frameBytesMax } = this.options.limits;
    while (this.queue.length > 0) {
      // Cut batches by the estimated size so one frame stays well under frameBytesMax.
      let count = 0;
      let bytes = 0;
      for (const message of this.queue) {
        bytes += messageBytes(message);
        if (count > 0 && (count >= batchMessagesMax || bytes > frameBytesMax / 2)) break;
        count++;
      }
      const batch = this.queue.splice(0, count);
      for (const message of batch) this.queuedBytes -= messageBytes(message);
      // A batch that cannot be sent (too large, socket backed up) is dropped: Raft retries.
      connection.send({ kind: 'raft', messages: batch });
    }
    // Write now rather than one more microtask later, behind whatever was queued meanwhile.
    connection.flush();
  }

  private connect(): void {
    this.retryTimer = null;
    if (this.state === 'closed') return;
    this.setState('connecting');
    const { socket, readyEvent } = dial(this.options.endpoint, this.options.tls);
    socket.setKeepAlive(true, 1000);
    const dialerNonce = newNonce();
    let authenticated = false;
    const connection: FramedSocket = new FramedSocket(socket, {
      limits: this.options.limits,
      logger: this.options.logger,
      label: `peer ${this.options.selfId} -> ${this.options.peerId}@${formatEndpoint(this.options.endpoint)}`,
      onFrame: (value) => {
        authenticated = this.onHandshakeFrame(connection, dialerNonce, value) || authenticated;
      },
      onClose: () => {
        clearTimeout(handshakeTimer);
        if (this.connection === connection) this.connection = null;
        this.scheduleReconnect(authenticated);
      },
    });
    this.connection = connection;
    const handshakeTimer = setTimeout(() => {
      if (!authenticated) connection.close('handshake timed out');
    }, this.options.limits.handshakeTimeoutMs);
    socket.once(readyEvent, () => {
      connection.send({
        kind: 'hello',
        version: protocolVersion,
        role: 'peer',
        cluster: this.options.cluster,
        nodeId: this.options.selfId,
        nonce: dialerNonce,
      });
    });
  }

  // Handles the challenge and the welcome; returns true once the link is open. Throws to close.
  private onHandshakeFrame(connection: FramedSocket, dialerNonce: Buffer, value: unknown): boolean {
    const frame = validateDialerInbound(value);
    if (frame.kind === 'refuse') throw new HandshakeError(`peer refused us: ${frame.reason}`);
    if (frame.kind === 'challenge') {
      const context: ProofContext = {
        cluster: this.options.cluster,
        dialerId: this.options.selfId,
        listenerId: frame.nodeId,
        dialerNonce,
        listenerNonce: frame.nonce,
      };
      if (frame.nodeId !== this.options.peerId) {
        throw new HandshakeError(`expected node ${this.options.peerId}, reached ${frame.nodeId}`);
      }
      if (!verifyProof(this.options.secret, 'listener', context, frame.proof)) {
        throw new HandshakeError('peer does not know the cluster secret');
      }
      connection.send({
        kind: 'auth',
        proof: computeProof(this.options.secret, 'dialer', context),
      });
      return false;
    }
    if (this.state === 'open') throw new HandshakeError('unexpected second welcome');
    this.failures = 0;
    this.setState('open');
    this.options.logger.info({ peer: this.options.peerId }, 'peer link open');
    this.enqueue([]);
    return true;
  }

  private scheduleReconnect(wasOpen: boolean): void {
    if (this.state === 'closed') return;
    if (wasOpen) {
      this.failures = 0;
      this.options.logger.info({ peer: this.options.peerId }, 'peer link closed');
    }
    const { reconnectDelayMsMin, reconnectDelayMsMax } = this.options.limits;
    const exponent = Math.min(this.failures, 20);
    const delayMs = Math.min(reconnectDelayMsMax, reconnectDelayMsMin * 2 ** exponent);
    this.failures++;
    this.setState('backoff');
    // Jitter in [delay/2, delay) so restarted nodes do not reconnect in lockstep.
    const jitteredMs = delayMs / 2 + Math.random() * (delayMs / 2);
    this.retryTimer = setTimeout(() => this.connect(), jitteredMs);
    this.retryTimer.unref();
  }

  private setState(state: LinkState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onState(this.options.peerId, state);
  }
}
