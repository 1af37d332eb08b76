// Fast checks for histories whose writes carry unique tokens ("x <client> <seq> y" by default):
// no token twice in a read, each client's tokens in issue order, no lost acknowledged append in
// the final read, no token that was never (successfully) written. Near-linear in the total size
// of the reads; independent of the linearizability search, so they run when it is undecided.

import type { History, Operation } from '../history/types.ts';

/** The kinds of violation the append checks report. */
export type AppendViolationKind =
  | 'duplicate-token'
  | 'client-order'
  | 'lost-write'
  | 'phantom-token';

/** One violation, with the operations involved (ids in `History.operations`). */
export interface AppendViolation {
  readonly kind: AppendViolationKind;
  readonly key: string;
  readonly token: string;
  readonly operations: readonly number[];
  readonly message: string;
}

/**
 * The append checks' result: `illegal` when there is at least one violation; `skipped` when the
 * history does not meet the checks' premise (some token is written twice), named in `skippedReason`.
 */
export interface AppendCheckResult {
  readonly verdict: 'ok' | 'illegal' | 'skipped';
  readonly skippedReason?: string;
  readonly keysChecked: number;
  readonly readsChecked: number;
  readonly tokensChecked: number;
  /** At most `violationsMax` violations, in history order. */
  readonly violations: readonly AppendViolation[];
}

/** Options of `checkAppends`. */
export interface AppendCheckOptions {
  /** Matches one token; must have the `g` flag. Default `/x \S+ \d+ y/g`. */
  readonly tokenPattern?: RegExp;
  readonly violationsMax?: number;
}

interface KeyOperations {
  readonly writes: Operation[];
  readonly reads: Operation[];
}

/** Runs the append checks on a kv history (get/put/append with tokens in written values). */
export function checkAppends(
  history: History,
  options: AppendCheckOptions = {},
): AppendCheckResult {
  const pattern = options.tokenPattern ?? /x \S+ \d+ y/g;
  if (!pattern.global) throw new Error('checkAppends: tokenPattern needs the g flag');
  const violationsMax = options.violationsMax ?? 1000;
  const violations: AppendViolation[] = [];
  const report = (violation: AppendViolation): void => {
    if (violations.length < violationsMax) violations.push(violation);
  };
  let readsChecked = 0;
  let tokensChecked = 0;
  const byKey = groupByKey(history.operations);
  const indexed = new Map<string, Map<string, Operation>>();
  for (const [key, { writes }] of byKey) {
    const writers = indexWriters(writes, pattern);
    if (typeof writers === 'string') {
      const skippedReason = `key ${JSON.stringify(key)}: token ${writers} is written more than once`;
      return {
        verdict: 'skipped',
        skippedReason,
        keysChecked: 0,
        readsChecked: 0,
        tokensChecked: 0,
        violations: [],
      };
    }
    indexed.set(key, writers);
  }
  for (const [key, { writes, reads }] of byKey) {
    const writers = indexed.get(key) ?? new Map<string, Operation>();
    for (const read of reads) {
      readsChecked += 1;
      tokensChecked += checkRead(key, read, writers, pattern, report);
    }
    checkLostWrites(key, writes, reads, pattern, report);
  }
  return {
    verdict: violations.length === 0 ? 'ok' : 'illegal',
    keysChecked: byKey.size,
    readsChecked,
    tokensChecked,
    violations,
  };
}

function groupByKey(operations: readonly Operation[]): Map<string, KeyOperations> {
  const byKey = new Map<string, KeyOperations>();
  for (const operation of operations) {
    const key = operation.key ?? '';
    let group = byKey.get(key);
    if (group === undefined) {
      group = { writes: [], reads: [] };
      byKey.set(key, group);
    }
    if (operation.f === 'append' || operation.f === 'put') group.writes.push(operation);
    else if (operation.f === 'get' && operation.status === 'ok') group.reads.push(operation);
  }
  return byKey;
}

function tokensOf(value: unknown, pattern: RegExp): string[] {
  if (typeof value !== 'string') return [];
  return Array.from(value.matchAll(pattern), (match) => match[0]);
}

/** Maps each written token to its writer; returns a token written twice, if any. */
function indexWriters(
  writes: readonly Operation[],
  pattern: RegExp,
): Map<string, Operation> | string {
  const writers = new Map<string, Operation>();
  for (const write of writes) {
    for (const token of tokensOf(write.input, pattern)) {
      if (writers.has(token)) return token;
      writers.set(token, write);
    }
  }
  return writers;
}

function checkRead(
  key: string,
  read: Operation,
  writers: ReadonlyMap<string, Operation>,
  pattern: RegExp,
  report: (violation: AppendViolation) => void,
): number {
  const tokens = tokensOf(read.output, pattern);
  const seen = new Set<string>();
  const latestByProcess = new Map<number, Operation>();
  for (const token of tokens) {
    if (seen.has(token)) {
      report(
        violation('duplicate-token', key, token, [read.id], `${who(read)} read ${token} twice`),
      );
      continue;
    }
    seen.add(token);
    const writer = writers.get(token);
    if (writer === undefined || writer.status === 'fail') {
      const why =
        writer === undefined ? 'was never written' : `was written by ${who(writer)}, which failed`;
      report(
        violation(
          'phantom-token',
          key,
          token,
          writer ? [read.id, writer.id] : [read.id],
          `${who(read)} read ${token}, which ${why}`,
        ),
      );
      continue;
    }
    const latest = latestByProcess.get(writer.process);
    if (latest !== undefined && latest.callNs > writer.callNs) {
      const message = `${who(read)} read ${token} after a token that client ${writer.process} issued later`;
      report(violation('client-order', key, token, [read.id, latest.id, writer.id], message));
    } else {
      latestByProcess.set(writer.process, writer);
    }
  }
  return tokens.length;
}

function checkLostWrites(
  key: string,
  writes: readonly Operation[],
  reads: readonly Operation[],
  pattern: RegExp,
  report: (violation: AppendViolation) => void,
): void {
  const final = reads.reduce<Operation | undefined>(
    (best, read) =>
      best === undefined ||
      read.returnNs > best.returnNs ||
      (read.returnNs === best.returnNs && read.callNs > best.callNs)
        ? read
        : best,
    undefined,
  );
  if (final === undefined) return;
  const visible = new Set(tokensOf(final.output, pattern));
  // A put may legally erase appends it could be ordered after: only appends invoked after every
  // put returned, and acknowledged before the final read began, must be in it.
  let putReturnMaxNs = Number.NEGATIVE_INFINITY;
  for (const write of writes) {
    if (write.f === 'put' && write.status !== 'fail')
      putReturnMaxNs = Math.max(putReturnMaxNs, write.returnNs);
  }
  for (const write of writes) {
    if (write.f !== 'append' || write.status !== 'ok') continue;
    if (write.callNs <= putReturnMaxNs || write.returnNs >= final.callNs) continue;
    for (const token of tokensOf(write.input, pattern)) {
      if (visible.has(token)) continue;
      const message = `${who(write)}'s acknowledged append of ${token} is missing from the final read by ${who(final)}`;
      report(violation('lost-write', key, token, [write.id, final.id], message));
    }
  }
}

function who(operation: Operation): string {
  return `client ${operation.process} (${operation.f} #${operation.id})`;
}

function violation(
  kind: AppendViolationKind,
  key: string,
  token: string,
  operations: readonly number[],
  message: string,
): AppendViolation {
  return { kind, key, token, operations, message: `key ${JSON.stringify(key)}: ${message}` };
}
