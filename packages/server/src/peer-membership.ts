// Keeps a node's peer links in step with the configuration it applies (thesis §4.3): a member
// added with an address gets a link, a member no longer in the configuration loses its link, and
// this node's own removal is reported once, so the node can stop serving. A configuration that
// does not list this node is not a removal unless an earlier one did: a node that joins replays
// the configurations from before it was added.
import type { MemberList } from '@kvraft/kv-service';
import type { NodeId } from '@kvraft/raft-core';
import { type Endpoint, parseEndpoint, type TransportLogger } from '@kvraft/transport';

/** The part of PeerTransport that membership drives. */
export interface PeerLinks {
  addPeer(peerId: NodeId, endpoint: Endpoint): void;
  removePeer(peerId: NodeId): void;
  peerEndpoints(): ReadonlyMap<NodeId, Endpoint>;
}

/** Follows applied configurations for one node's peer links. */
export class PeerMembership {
  private wasMember = false;
  private removedReported = false;

  /** `onRemoved` runs once, when a configuration drops this node after one listed it. */
  constructor(
    private readonly selfId: NodeId,
    private readonly links: PeerLinks,
    private readonly logger: TransportLogger,
    private readonly onRemoved: () => void,
  ) {}

  /** Applies one configuration's member list to the links. */
  apply(list: MemberList): void {
    if (list.members.length === 0) return;
    const ids = new Set(list.members.map((m) => m.id));
    for (const member of list.members) {
      if (member.id === this.selfId || member.address === '') continue;
      try {
        this.links.addPeer(member.id, parseEndpoint(member.address));
      } catch (error) {
        this.logger.error({ peer: member.id, address: member.address }, String(error));
      }
    }
    for (const peerId of this.links.peerEndpoints().keys()) {
      if (ids.has(peerId)) continue;
      this.links.removePeer(peerId);
      this.logger.info({ peer: peerId, configIndex: list.configIndex }, 'peer link removed');
    }
    if (ids.has(this.selfId)) this.wasMember = true;
    else if (this.wasMember && !this.removedReported) {
      this.removedReported = true;
      this.onRemoved();
    }
  }
}
