// Every frame kind on the wire and its structural validation. A connection speaks a fixed
// sequence: hello (with the protocol version byte), then for peers a challenge–response, then
// either Raft batches (peer) or request/reply pairs with request ids (client).

import type { ClientReply, ClientRequest } from '@kvraft/kv-service';
import type { Message, NodeId } from '@kvraft/raft-core';
import type { AdminReply, AdminRequest } from './admin-protocol.ts';
import { validateAdminReply, validateAdminRequest } from './admin-schema.ts';
import { FrameDecodeError } from './errors.ts';
import { asFields, show, validateMessage } from './raft-message-schema.ts';

/** The wire protocol version, sent as one byte in every hello; a mismatch is refused. */
export const protocolVersion = 1;

/** Bytes of each side's random handshake nonce. */
export const nonceBytes = 32;

/** The first frame of every connection: who is calling and, for peers, a nonce to answer. */
export type HelloFrame =
  | {
      readonly kind: 'hello';
      readonly version: number;
      readonly role: 'peer';
      readonly cluster: string;
      readonly nodeId: NodeId;
      readonly nonce: Uint8Array;
    }
  | { readonly kind: 'hello'; readonly version: number; readonly role: 'client' };

/** The listener's answer to a peer hello: its id, its nonce, and its proof of the secret. */
export interface ChallengeFrame {
  readonly kind: 'challenge';
  readonly nodeId: NodeId;
  readonly nonce: Uint8Array;
  readonly proof: Uint8Array;
}

/** The dialer's proof of the secret over the listener's nonce. */
export interface AuthFrame {
  readonly kind: 'auth';
  readonly proof: Uint8Array;
}

/** Handshake done: the connection may carry traffic. */
export interface WelcomeFrame {
  readonly kind: 'welcome';
  readonly nodeId: NodeId;
}

/** Handshake refused; the sender closes right after, and the receiver logs the reason. */
export interface RefuseFrame {
  readonly kind: 'refuse';
  readonly reason: string;
}

/** One batch of Raft messages on a peer link. */
export interface RaftFrame {
  readonly kind: 'raft';
  readonly messages: readonly Message[];
}

/** A client request or admin request, tagged with a per-connection request id. */
export type CallFrame =
  | { readonly kind: 'request'; readonly id: number; readonly request: ClientRequest }
  | { readonly kind: 'admin'; readonly id: number; readonly admin: AdminRequest };

/** The answer to a CallFrame with the same id. */
export type AnswerFrame =
  | { readonly kind: 'reply'; readonly id: number; readonly reply: ClientReply }
  | { readonly kind: 'adminReply'; readonly id: number; readonly reply: AdminReply };

/** Frames a server may receive. */
export type ServerInbound = HelloFrame | AuthFrame | RaftFrame | CallFrame;
/** Frames a peer dialer may receive. */
export type DialerInbound = ChallengeFrame | WelcomeFrame | RefuseFrame;
/** Frames a client may receive. */
export type ClientInbound = WelcomeFrame | RefuseFrame | AnswerFrame;

const isId = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isBytes = (v: unknown, length?: number): v is Uint8Array =>
  v instanceof Uint8Array && (length === undefined || v.length === length);
const isOptional = (v: unknown, type: string): boolean => v === undefined || typeof v === type;

function bad(kind: string, field: string, value: unknown): FrameDecodeError {
  return new FrameDecodeError(`${kind} frame: ${field} has a wrong type: ${show(value)}`);
}

/** Validates a frame arriving at a server; throws FrameDecodeError on anything else. */
export function validateServerInbound(value: unknown): ServerInbound {
  const f = asFields(value, 'frame');
  switch (f['kind']) {
    case 'hello':
      if (!isId(f['version']) || f['version'] > 255) throw bad('hello', 'version', f['version']);
      if (f['role'] === 'client') return value as HelloFrame;
      if (f['role'] !== 'peer') throw bad('hello', 'role', f['role']);
      if (typeof f['cluster'] !== 'string') throw bad('hello', 'cluster', f['cluster']);
      if (!isId(f['nodeId'])) throw bad('hello', 'nodeId', f['nodeId']);
      if (!isBytes(f['nonce'], nonceBytes)) throw bad('hello', 'nonce', f['nonce']);
      return value as HelloFrame;
    case 'auth':
      if (!isBytes(f['proof'])) throw bad('auth', 'proof', f['proof']);
      return value as AuthFrame;
    case 'raft': {
      const messages = f['messages'];
      if (!Array.isArray(messages)) throw bad('raft', 'messages', messages);
      messages.forEach(validateMessage);
      return value as RaftFrame;
    }
    case 'request':
      if (!isId(f['id'])) throw bad('request', 'id', f['id']);
      validateClientRequest(f['request']);
      return value as CallFrame;
    case 'admin':
      if (!isId(f['id'])) throw bad('admin', 'id', f['id']);
      validateAdminRequest(f['admin']);
      return value as CallFrame;
    default:
      throw new FrameDecodeError(`unknown frame kind ${show(f['kind'])}`);
  }
}

/** Validates a frame arriving at a peer dialer. */
export function validateDialerInbound(value: unknown): DialerInbound {
  const f = asFields(value, 'frame');
  switch (f['kind']) {
    case 'challenge':
      if (!isId(f['nodeId'])) throw bad('challenge', 'nodeId', f['nodeId']);
      if (!isBytes(f['nonce'], nonceBytes)) throw bad('challenge', 'nonce', f['nonce']);
      if (!isBytes(f['proof'])) throw bad('challenge', 'proof', f['proof']);
      return value as ChallengeFrame;
    case 'welcome':
    case 'refuse':
      return validateCommon(f, value);
    default:
      throw new FrameDecodeError(`unknown frame kind ${show(f['kind'])}`);
  }
}

/** Validates a frame arriving at a client. */
export function validateClientInbound(value: unknown): ClientInbound {
  const f = asFields(value, 'frame');
  switch (f['kind']) {
    case 'welcome':
    case 'refuse':
      return validateCommon(f, value);
    case 'reply':
      if (!isId(f['id'])) throw bad('reply', 'id', f['id']);
      validateClientReply(f['reply']);
      return value as AnswerFrame;
    case 'adminReply':
      if (!isId(f['id'])) throw bad('adminReply', 'id', f['id']);
      validateAdminReply(f['reply']);
      return value as AnswerFrame;
    default:
      throw new FrameDecodeError(`unknown frame kind ${show(f['kind'])}`);
  }
}

function validateCommon(f: Record<string, unknown>, value: unknown): WelcomeFrame | RefuseFrame {
  if (f['kind'] === 'welcome' && !isId(f['nodeId'])) throw bad('welcome', 'nodeId', f['nodeId']);
  if (f['kind'] === 'refuse' && typeof f['reason'] !== 'string') {
    throw bad('refuse', 'reason', f['reason']);
  }
  return value as WelcomeFrame | RefuseFrame;
}

/** Checks a client request's shape (kind, key, ids); the server checks sizes and semantics. */
export function validateClientRequest(value: unknown): ClientRequest {
  const r = asFields(value, 'request');
  const kind = r['kind'];
  if (kind !== 'get' && kind !== 'put' && kind !== 'append') {
    throw new FrameDecodeError(`unknown request kind ${show(kind)}`);
  }
  if (typeof r['key'] !== 'string') throw bad('request', 'key', r['key']);
  if (!isOptional(r['value'], 'string')) throw bad('request', 'value', r['value']);
  if (typeof r['clientId'] !== 'number') throw bad('request', 'clientId', r['clientId']);
  if (typeof r['seq'] !== 'number') throw bad('request', 'seq', r['seq']);
  return value as ClientRequest;
}

const errorCodes = new Set(['WrongLeader', 'Timeout', 'SessionExpired', 'BadRequest']);

/** Checks a client reply's shape. */
export function validateClientReply(value: unknown): ClientReply {
  const r = asFields(value, 'reply');
  if (r['ok'] === true) {
    if (!isOptional(r['value'], 'string')) throw bad('reply', 'value', r['value']);
    return value as ClientReply;
  }
  if (r['ok'] !== false) throw bad('reply', 'ok', r['ok']);
  if (!errorCodes.has(r['error'] as string)) throw bad('reply', 'error', r['error']);
  if (!isOptional(r['leaderHint'], 'number')) throw bad('reply', 'leaderHint', r['leaderHint']);
  if (!isOptional(r['message'], 'string')) throw bad('reply', 'message', r['message']);
  return value as ClientReply;
}
