// What a clerk operation returns. An expected failure is a typed result, never an exception:
// `indeterminate` means the write may or may not have taken effect (record it as `info`);
// otherwise the operation definitely did not take effect (record it as `fail`).
import type { ClientErrorCode } from '@kvraft/kv-service';

/** Why an operation ended without success: a server's error code or the clerk's deadline. */
export type ClerkErrorCode = ClientErrorCode | 'Deadline';

/** The outcome of one clerk operation. */
export type ClerkResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly indeterminate: true; readonly error: ClerkErrorCode }
  | {
      readonly ok: false;
      readonly indeterminate: false;
      readonly error: ClerkErrorCode;
      readonly message?: string;
    };
