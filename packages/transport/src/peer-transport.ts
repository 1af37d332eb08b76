// Raft's Transport port over TCP: one outbound PeerLink per peer, messages grouped by
// destination. Receiving is the TransportServer's job (the node's single listening port),
// which hands authenticated peers' batches to the handler the node registers there. Links are
// added and removed at runtime as the membership changes.
import type { Message, NodeId, Transport } from '@kvraft/raft-core';
import { type Endpoint, formatEndpoint } from './address.ts';
import { resolveTransportLimits, type TransportLimits } from './limits.ts';
import { silentLogger, type TransportLogger } from './logger.ts';
import { type LinkState, PeerLink } from './peer-link.ts';
import type { TlsOptions } from './tls-options.ts';

/** Options of a node's outbound peer transport. */
export interface PeerTransportOptions {
  readonly nodeId: NodeId;
  /** Every other node's listening endpoint (this node's own entry is ignored). */
  readonly peers: ReadonlyMap<NodeId, Endpoint>;
  readonly cluster: string;
  readonly secret: string;
  readonly tls?: TlsOptions;
  readonly limits?: Partial<TransportLimits>;
  readonly logger?: TransportLogger;
  /** Called whenever a link changes state (for metrics). */
  readonly onLinkState?: (peerId: NodeId, state: LinkState) => void;
}

/** Sends Raft messages to peers over authenticated, batching, reconnecting TCP links. */
export class PeerTransport implements Transport {
  private readonly links = new Map<NodeId, PeerLink>();
  private readonly logger: TransportLogger;
  private readonly unknownPeersLogged = new Set<NodeId>();
  private readonly endpoints = new Map<NodeId, Endpoint>();
  private readonly limits: TransportLimits;

  /** Creates a link per peer and starts dialing them all. */
  constructor(private readonly options: PeerTransportOptions) {
    this.limits = resolveTransportLimits(options.limits);
    this.logger = options.logger ?? silentLogger;
    for (const [peerId, endpoint] of options.peers) this.addPeer(peerId, endpoint);
  }

  /**
   * Adds a link to `peerId` at `endpoint` and starts dialing it, or re-points an existing link
   * whose endpoint changed (membership, thesis §4.3: a new member's address arrives in its config
   * entry). This node's own id is ignored.
   */
  addPeer(peerId: NodeId, endpoint: Endpoint): void {
    if (peerId === this.options.nodeId) return;
    const existing = this.endpoints.get(peerId);
    if (existing !== undefined && formatEndpoint(existing) === formatEndpoint(endpoint)) return;
    this.removePeer(peerId);
    const link = new PeerLink({
      selfId: this.options.nodeId,
      peerId,
      endpoint,
      cluster: this.options.cluster,
      secret: this.options.secret,
      tls: this.options.tls,
      limits: this.limits,
      logger: this.logger,
      onState: this.options.onLinkState ?? (() => {}),
    });
    this.links.set(peerId, link);
    this.endpoints.set(peerId, endpoint);
    this.unknownPeersLogged.delete(peerId);
  }

  /** Closes and forgets the link to `peerId` (a removed member); unknown ids are ignored. */
  removePeer(peerId: NodeId): void {
    this.links.get(peerId)?.close();
    this.links.delete(peerId);
    this.endpoints.delete(peerId);
  }

  /** The endpoint of every peer this transport has a link to. */
  peerEndpoints(): ReadonlyMap<NodeId, Endpoint> {
    return new Map(this.endpoints);
  }

  /** Queues messages on their destination's link; never throws for an unreachable peer. */
  send(messages: readonly Message[]): void {
    const byPeer = new Map<NodeId, Message[]>();
    for (const message of messages) {
      const group = byPeer.get(message.to);
      if (group === undefined) byPeer.set(message.to, [message]);
      else group.push(message);
    }
    for (const [peerId, group] of byPeer) {
      const link = this.links.get(peerId);
      if (link !== undefined) link.enqueue(group);
      else if (!this.unknownPeersLogged.has(peerId)) {
        this.unknownPeersLogged.add(peerId);
        this.logger.error({ peer: peerId }, 'message for a node that is not a configured peer');
      }
    }
  }

  /** Each peer link's state. */
  linkStates(): ReadonlyMap<NodeId, LinkState> {
    return new Map([...this.links].map(([id, link]) => [id, link.linkState()]));
  }

  /** Closes every link. */
  close(): void {
    for (const link of this.links.values()) link.close();
  }
}
