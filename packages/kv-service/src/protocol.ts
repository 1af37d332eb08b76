// The client-facing protocol: what a clerk sends and what a server answers, plus the request
// validation every server runs before proposing, so only well-formed commands enter the log.
// Plain data only; the simulator and (later) the TCP transport carry these objects.
import { utf8Bytes } from './byte-codec.ts';

/** A client's id: a random positive safe integer (53 bits) chosen by the clerk. */
export type ClientId = number;

/** The operations a client may ask for. */
export type ClientRequestKind = 'get' | 'put' | 'append';

/**
 * One client request. `seq` numbers a client's writes from 1 (kept across retries of the same
 * write); reads ignore it (they are idempotent and never touch sessions).
 */
export interface ClientRequest {
  readonly kind: ClientRequestKind;
  readonly key: string;
  readonly value?: string;
  readonly clientId: ClientId;
  readonly seq: number;
}

/** Why a request was not served. */
export type ClientErrorCode = 'WrongLeader' | 'Timeout' | 'SessionExpired' | 'BadRequest';

/**
 * A server's answer. `WrongLeader`: this node did not propose or apply the request (definitely
 * not applied by this attempt). `Timeout`: unknown (it may still apply). `SessionExpired`: the
 * write was refused because the client's session is gone. `BadRequest`: malformed, never proposed.
 */
export type ClientReply =
  | {
      readonly ok: true;
      readonly value?: string;
      /** On a Get: whether the key exists (a missing key still reads as ""). */
      readonly found?: boolean;
    }
  | {
      readonly ok: false;
      readonly error: ClientErrorCode;
      readonly leaderHint?: number;
      readonly message?: string;
    };

/** Size limits a server enforces on requests. */
export interface ProtocolLimits {
  /** Largest key, in UTF-8 bytes. */
  readonly keyBytesMax: number;
  /** Largest put/append value, in UTF-8 bytes. */
  readonly valueBytesMax: number;
}

/** The default limits: 1 KiB keys and 1 MiB values. */
export const protocolLimitsDefault: ProtocolLimits = { keyBytesMax: 1024, valueBytesMax: 1 << 20 };

/** Returns why `request` is malformed, or undefined when a server may propose it. */
export function validateRequest(request: unknown, limits: ProtocolLimits): string | undefined {
  if (typeof request !== 'object' || request === null) return 'request must be an object';
  const r = request as Record<string, unknown>;
  const kind = r['kind'];
  if (kind !== 'get' && kind !== 'put' && kind !== 'append') return `unknown kind ${String(kind)}`;
  const key = r['key'];
  if (typeof key !== 'string') return 'key must be a string';
  if (utf8Bytes(key) > limits.keyBytesMax) return `key exceeds ${limits.keyBytesMax} bytes`;
  const clientId = r['clientId'];
  if (!isPositiveSafeInteger(clientId)) return 'clientId must be a positive safe integer';
  const seq = r['seq'];
  if (kind === 'get') return typeof seq === 'number' ? undefined : 'seq must be a number';
  if (!isPositiveSafeInteger(seq)) return 'seq must be a positive safe integer';
  const value = r['value'];
  if (typeof value !== 'string') return `${kind} needs a string value`;
  if (utf8Bytes(value) > limits.valueBytesMax) return `value exceeds ${limits.valueBytesMax} bytes`;
  return undefined;
}

function isPositiveSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}
