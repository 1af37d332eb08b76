// Sends an admin change to the cluster's leader, found through `--servers`: every server is asked
// for its status at once, the one that leads (or the leader most servers name) gets the
// request, and a `NotLeader` refusal with a hint is followed to the hinted server, a bounded
// number of hops. Leadership moves while a command runs, so a hint is normal, not an error.
import type { NodeId } from '@kvraft/raft-core';
import type {
  AdminRefusal,
  AdminReply,
  AdminRequest,
  Endpoint,
  TcpClientTransport,
} from '@kvraft/transport';

/** The most NotLeader hints one admin command follows before it gives up. */
export const leaderHopsMax = 5;

/** A change request: its reply carries an `outcome`. */
export type ChangeRequest = Extract<AdminRequest, { kind: 'member-change' | 'transfer-leader' }>;

/** Where a change went, and what came back (undefined: no leader answered). */
export interface LeaderCallResult<K extends ChangeRequest['kind']> {
  readonly server: NodeId | null;
  readonly reply: Extract<AdminReply, { kind: K }> | undefined;
  /** Why no answer came, when `reply` is undefined. */
  readonly problem?: string;
}

/** Finds the leader among `servers` and sends `request` there, following hints. */
export async function callLeader<K extends ChangeRequest['kind']>(
  transport: TcpClientTransport,
  servers: ReadonlyMap<NodeId, Endpoint>,
  request: Extract<ChangeRequest, { kind: K }>,
  timeoutMs: number,
  /** How long the change itself may take at the leader; default `timeoutMs`. */
  changeTimeoutMs = timeoutMs,
): Promise<LeaderCallResult<K>> {
  let target = await findLeader(transport, servers, timeoutMs);
  if (target === null) return { server: null, reply: undefined, problem: 'no leader answered' };
  for (let hop = 0; hop <= leaderHopsMax; hop++) {
    const reply = await transport.admin(target, request, changeTimeoutMs);
    if (reply === undefined) {
      return {
        server: target,
        reply,
        problem: `node ${target} did not answer in ${changeTimeoutMs} ms`,
      };
    }
    const hint = hintOf((reply as Extract<AdminReply, { kind: ChangeRequest['kind'] }>).outcome);
    if (hint === undefined || hint === target) return { server: target, reply };
    if (!servers.has(hint)) {
      const problem = `the leader is node ${hint}, which is not in --servers`;
      return { server: target, reply, problem };
    }
    target = hint;
  }
  return { server: target, reply: undefined, problem: `leadership moved ${leaderHopsMax} times` };
}

/** The server that says it leads, else the leader the most servers name, else null. */
export async function findLeader(
  transport: TcpClientTransport,
  servers: ReadonlyMap<NodeId, Endpoint>,
  timeoutMs: number,
): Promise<NodeId | null> {
  const ids = [...servers.keys()];
  const replies = await Promise.all(
    ids.map((id) => transport.admin(id, { kind: 'status' }, timeoutMs)),
  );
  const statuses = replies.flatMap((r) => (r === undefined ? [] : [r.status]));
  const leading = statuses.filter((s) => s.role === 'leader').sort((a, b) => b.term - a.term)[0];
  if (leading !== undefined) return leading.nodeId;
  const named = new Map<NodeId, number>();
  for (const s of statuses) {
    if (s.leaderId !== null && servers.has(s.leaderId)) {
      named.set(s.leaderId, (named.get(s.leaderId) ?? 0) + 1);
    }
  }
  const best = [...named].sort((a, b) => b[1] - a[1])[0];
  return best?.[0] ?? null;
}

function hintOf(outcome: { ok: boolean } | AdminRefusal): NodeId | undefined {
  return 'error' in outcome && outcome.error === 'NotLeader' ? outcome.leaderHint : undefined;
}
