// Challenge–response authentication of peer links with a shared cluster secret. Each side sends
// a fresh random nonce and proves it knows the secret with an HMAC-SHA256 over both nonces, both
// node ids, the cluster name and its role; the secret itself never crosses the wire.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NodeId } from '@kvraft/raft-core';
import { nonceBytes } from './wire-frames.ts';

/** What both sides bind into every proof. */
export interface ProofContext {
  readonly cluster: string;
  readonly dialerId: NodeId;
  readonly listenerId: NodeId;
  readonly dialerNonce: Uint8Array;
  readonly listenerNonce: Uint8Array;
}

/** Which side a proof comes from; distinct labels stop a proof being reflected back. */
export type ProofRole = 'dialer' | 'listener';

/** Returns a fresh random handshake nonce. */
export function newNonce(): Buffer {
  return randomBytes(nonceBytes);
}

/** Computes the HMAC-SHA256 proof of `role` over the handshake context. */
export function computeProof(secret: string, role: ProofRole, context: ProofContext): Buffer {
  const hmac = createHmac('sha256', secret);
  hmac.update(`kvraft-peer-auth/v1|${role}|${context.cluster}|`);
  hmac.update(`${context.dialerId}|${context.listenerId}|`);
  hmac.update(context.dialerNonce);
  hmac.update(context.listenerNonce);
  return hmac.digest();
}

/** Whether `proof` is the right proof of `role`, compared in constant time. */
export function verifyProof(
  secret: string,
  role: ProofRole,
  context: ProofContext,
  proof: Uint8Array,
): boolean {
  const expected = computeProof(secret, role, context);
  return proof.length === expected.length && timingSafeEqual(expected, proof);
}
