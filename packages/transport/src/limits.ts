// Every limit of the TCP transport, named with its unit and defaulted in one place, so a hostile
// or broken peer can never make a node buffer, wait or connect without bound.

/** The transport's limits; every field has a default in `transportLimitsDefault`. */
export interface TransportLimits {
  /** Largest frame payload accepted or sent, in bytes; a bigger frame closes the connection. */
  readonly frameBytesMax: number;
  /** Connections a server holds at once; more are refused at accept. */
  readonly connectionsMax: number;
  /** How long a new connection may take to finish its hello (and authentication). */
  readonly handshakeTimeoutMs: number;
  /** First reconnect delay of a peer link; it doubles on each failure up to the max. */
  readonly reconnectDelayMsMin: number;
  /** Largest reconnect delay of a peer link. */
  readonly reconnectDelayMsMax: number;
  /** Raft messages a disconnected peer link keeps queued; older ones are dropped first. */
  readonly queuedMessagesMax: number;
  /** Estimated bytes of Raft messages a peer link keeps queued; older ones are dropped first. */
  readonly queuedBytesMax: number;
  /** Bytes a socket may have buffered for writing before new frames are dropped. */
  readonly socketBufferedBytesMax: number;
  /** Client requests in flight on one connection; more fail at once. */
  readonly inflightRequestsMax: number;
  /** Raft messages one batch frame may carry. */
  readonly batchMessagesMax: number;
}

/** The default limits: 16 MiB frames, 1024 connections, 2 s handshakes, 50 ms–2 s backoff. */
export const transportLimitsDefault: TransportLimits = {
  frameBytesMax: 16 * 1024 * 1024,
  connectionsMax: 1024,
  handshakeTimeoutMs: 2000,
  reconnectDelayMsMin: 50,
  reconnectDelayMsMax: 2000,
  queuedMessagesMax: 4096,
  queuedBytesMax: 32 * 1024 * 1024,
  socketBufferedBytesMax: 64 * 1024 * 1024,
  inflightRequestsMax: 1024,
  batchMessagesMax: 4096,
};

/** Fills defaults and validates; throws RangeError naming the bad limit. */
export function resolveTransportLimits(limits: Partial<TransportLimits> = {}): TransportLimits {
  const resolved: TransportLimits = { ...transportLimitsDefault, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`transport limit ${name} must be a positive integer, got ${value}`);
    }
  }
  if (resolved.reconnectDelayMsMin > resolved.reconnectDelayMsMax) {
    throw new RangeError('reconnectDelayMsMin must not exceed reconnectDelayMsMax');
  }
  return resolved;
}
