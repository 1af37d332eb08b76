// Raft's Transport port over TCP: one outbound PeerLink per peer, messages grouped by
// destination. Receiving is the TransportServer's job (the node's single listening port),
// which hands authenticated peers' batches to the handler the node registers there.
import type { Message, NodeId, Transport } from '@kvraft/raft-core';
import type { Endpoint } from './address.ts';
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

  /** Creates a link per peer and starts dialing them all. */
  constructor(options: PeerTransportOptions) {
    const limits = resolveTransportLimits(options.limits);
    this.logger = options.logger ?? silentLogger;
    for (const [peerId, endpoint] of options.peers) {
      if (peerId === options.nodeId) continue;
      const link = new PeerLink({
        selfId: options.nodeId,
        peerId,
        endpoint,
        cluster: options.cluster,
        secret: options.secret,
        tls: options.tls,
        limits,
        logger: this.logger,
        onState: options.onLinkState ?? (() => {}),
      });
      this.links.set(peerId, link);
    }
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
