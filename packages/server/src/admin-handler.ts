// The node's side of the admin protocol (see @kvraft/transport admin-protocol.ts): `status`, the
// member list with the leader's match index per member, membership changes forwarded to
// KvServer.changeMembership (thesis §4.3), and leadership transfer (thesis §3.10), which answers
// once the target leads or the wait runs out. Never throws: every refusal is typed.
import type { KvServer, MemberChangeReply, MemberList } from '@kvraft/kv-service';
import type { NodeId } from '@kvraft/raft-core';
import type {
  AdminReply,
  AdminRequest,
  MembersReport,
  NodeStatusReport,
  TransferOutcome,
} from '@kvraft/transport';

/** How long a transfer waits for the target to lead before it answers Timeout, in ms. */
export const transferWaitMs = 5000;
/** How often a waiting transfer looks at the node's leadership, in ms. */
const transferPollMs = 10;

/** What the admin handler needs from its node. */
export interface AdminContext {
  readonly id: NodeId;
  readonly kv: KvServer;
  /** The node's status report (`kvraft status`). */
  readonly status: () => NodeStatusReport;
  /** The address of a member whose config entry carries none (a bootstrap member): `--peers`. */
  readonly knownAddress: (id: NodeId) => string;
}

/** Serves one admin request at this node. */
export async function handleAdmin(
  request: AdminRequest,
  context: AdminContext,
): Promise<AdminReply> {
  switch (request.kind) {
    case 'status':
      return { kind: 'status', status: context.status() };
    case 'members':
      return { kind: 'members', members: membersReport(context) };
    case 'member-change': {
      const reply = await context.kv.changeMembership(request.change);
      return { kind: 'member-change', outcome: changeOutcome(reply, context) };
    }
    case 'transfer-leader':
      return { kind: 'transfer-leader', outcome: await transfer(request.id, context) };
  }
}

/** The members this node has applied, with the leader's match index when it leads. */
export function membersReport(context: AdminContext, list?: MemberList): MembersReport {
  const { id, kv } = context;
  const status = kv.raftStatus();
  const members = list ?? kv.members();
  const match = kv.matchIndexes();
  return {
    nodeId: id,
    leaderId: status?.leaderId ?? null,
    configIndex: members?.configIndex ?? 0,
    joint: members?.joint ?? false,
    members: (members?.members ?? []).map((m) => ({
      id: m.id,
      address: m.address === '' ? context.knownAddress(m.id) : m.address,
      role: m.role,
      matchIndex: match.get(m.id) ?? null,
    })),
  };
}

function changeOutcome(reply: MemberChangeReply, context: AdminContext) {
  if (!reply.ok) return reply;
  return { ok: true as const, index: reply.index, members: membersReport(context, reply.members) };
}

// Thesis §3.10: the leader brings the target up to date, then sends it TimeoutNow; the target
// wins the election it starts at once. We answer when this node sees the target lead.
async function transfer(target: NodeId, context: AdminContext): Promise<TransferOutcome> {
  const { kv, id } = context;
  const status = kv.raftStatus();
  if (status === null || status.role !== 'leader') return notLeader(status?.leaderId ?? null, id);
  const member = kv.members()?.members.find((m) => m.id === target);
  if (member === undefined) return { ok: false, error: 'UnknownMember' };
  if (member.role !== 'voter') {
    return { ok: false, error: 'NotVoter', message: `member ${target} is a learner` };
  }
  if (target === id) return { ok: true, leaderId: id };
  if (!kv.transferLeadership(target)) {
    return { ok: false, error: 'ChangeInProgress', message: 'a transfer is already under way' };
  }
  const deadline = Date.now() + transferWaitMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, transferPollMs));
    const now = kv.raftStatus();
    if (now?.leaderId === target) return { ok: true, leaderId: target };
  }
  return { ok: false, error: 'Timeout', message: `member ${target} did not take over in time` };
}

function notLeader(leaderId: NodeId | null, self: NodeId): TransferOutcome {
  return leaderId === null || leaderId === self
    ? { ok: false, error: 'NotLeader' }
    : { ok: false, error: 'NotLeader', leaderHint: leaderId };
}
