// Structural validation of admin requests and replies (see admin-protocol.ts). A server takes any
// bytes from anyone on its client port, so every field is checked for type and bound before the
// request reaches the node; the semantics (is the id a member, does this node lead) are the
// node's. Anything else throws FrameDecodeError and the connection is closed.
import { memberAddressLengthMax } from '@kvraft/kv-service';
import {
  type AdminError,
  type AdminReply,
  type AdminRequest,
  adminErrors,
  type MembersReport,
  type NodeStatusReport,
} from './admin-protocol.ts';
import { FrameDecodeError } from './errors.ts';
import { asFields, show } from './raft-message-schema.ts';

/** The most members a members report may list (a configuration is a handful of nodes). */
export const membersReportedMax = 1024;

const isId = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const adminErrorSet = new Set<unknown>(adminErrors);

function bad(owner: string, field: string, value: unknown): FrameDecodeError {
  return new FrameDecodeError(`${owner}: ${field} has a wrong type: ${show(value)}`);
}

/** Checks an admin request's shape and bounds; throws FrameDecodeError. */
export function validateAdminRequest(value: unknown): AdminRequest {
  const a = asFields(value, 'admin');
  switch (a['kind']) {
    case 'status':
    case 'members':
      return value as AdminRequest;
    case 'transfer-leader':
      if (!isId(a['id'])) throw bad('transfer-leader', 'id', a['id']);
      return value as AdminRequest;
    case 'member-change':
      validateMemberChange(a['change']);
      return value as AdminRequest;
    default:
      throw new FrameDecodeError(`unknown admin kind ${show(a['kind'])}`);
  }
}

function validateMemberChange(value: unknown): void {
  const c = asFields(value, 'member-change.change');
  if (!isId(c['id'])) throw bad('member-change', 'id', c['id']);
  switch (c['kind']) {
    case 'addLearner': {
      const address = c['address'];
      if (typeof address !== 'string' || address.length > memberAddressLengthMax) {
        throw bad('member-change', 'address', address);
      }
      return;
    }
    case 'promote':
    case 'remove':
      return;
    default:
      throw new FrameDecodeError(`unknown member change ${show(c['kind'])}`);
  }
}

/** Checks an admin reply's shape; throws FrameDecodeError. */
export function validateAdminReply(value: unknown): AdminReply {
  const r = asFields(value, 'adminReply.reply');
  switch (r['kind']) {
    case 'status':
      validateStatus(r['status']);
      return value as AdminReply;
    case 'members':
      validateMembers(r['members']);
      return value as AdminReply;
    case 'member-change':
    case 'transfer-leader':
      validateOutcome(r['kind'], r['outcome']);
      return value as AdminReply;
    default:
      throw new FrameDecodeError(`unknown admin reply kind ${show(r['kind'])}`);
  }
}

function validateOutcome(kind: 'member-change' | 'transfer-leader', value: unknown): void {
  const o = asFields(value, `${kind}.outcome`);
  if (o['ok'] === true) {
    if (kind === 'transfer-leader' && !isId(o['leaderId'])) throw bad(kind, 'leaderId', o);
    if (kind === 'member-change') {
      if (!isId(o['index'])) throw bad(kind, 'index', o['index']);
      validateMembers(o['members']);
    }
    return;
  }
  if (o['ok'] !== false) throw bad(kind, 'ok', o['ok']);
  if (!adminErrorSet.has(o['error'] as AdminError)) throw bad(kind, 'error', o['error']);
  if (o['leaderHint'] !== undefined && !isId(o['leaderHint'])) {
    throw bad(kind, 'leaderHint', o['leaderHint']);
  }
  if (o['message'] !== undefined && typeof o['message'] !== 'string') {
    throw bad(kind, 'message', o['message']);
  }
}

function validateMembers(value: unknown): MembersReport {
  const m = asFields(value, 'members');
  for (const name of ['nodeId', 'configIndex']) if (!isId(m[name])) throw bad('members', name, m);
  if (m['leaderId'] !== null && !isId(m['leaderId'])) throw bad('members', 'leaderId', m);
  if (typeof m['joint'] !== 'boolean') throw bad('members', 'joint', m['joint']);
  const list = m['members'];
  if (!Array.isArray(list) || list.length > membersReportedMax) {
    throw bad('members', 'members', list);
  }
  for (const item of list) {
    const member = asFields(item, 'member');
    if (!isId(member['id'])) throw bad('member', 'id', member['id']);
    if (typeof member['address'] !== 'string') throw bad('member', 'address', member['address']);
    if (member['role'] !== 'voter' && member['role'] !== 'learner') {
      throw bad('member', 'role', member['role']);
    }
    if (member['matchIndex'] !== null && !isId(member['matchIndex'])) {
      throw bad('member', 'matchIndex', member['matchIndex']);
    }
  }
  return value as MembersReport;
}

/** Checks a status report's shape. */
export function validateStatus(value: unknown): NodeStatusReport {
  const s = asFields(value, 'status');
  for (const name of ['nodeId', 'term', 'commitIndex', 'appliedIndex', 'raftStateBytes']) {
    if (!isId(s[name])) throw bad('status', name, s[name]);
  }
  if (!isId(s['snapshotBytes'])) throw bad('status', 'snapshotBytes', s['snapshotBytes']);
  if (typeof s['role'] !== 'string') throw bad('status', 'role', s['role']);
  if (s['leaderId'] !== null && !isId(s['leaderId']))
    throw bad('status', 'leaderId', s['leaderId']);
  if (s['recovering'] !== undefined && typeof s['recovering'] !== 'boolean') {
    throw bad('status', 'recovering', s['recovering']);
  }
  return value as NodeStatusReport;
}
