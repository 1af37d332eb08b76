// What each workload asks of the cluster, one operation at a time. Every written value carries a
// unique token ("x <client> <seq> y") so the append checks can find lost, duplicated or phantom
// writes; `big-values` also writes ~1 MiB values to one key beside the small operations.
import type { WorkloadName } from '@kvraft/cluster';

/** One operation to run. */
export interface PlannedOp {
  readonly f: 'get' | 'put' | 'append';
  readonly key: string;
  readonly value?: string;
}

/** Bytes of a big value in the `big-values` workload. */
export const bigValueBytes = 1 << 20;

/** The key big values go to (kept apart so small keys stay cheap to check). */
export const bigKey = 'big';

/** Operations (over all clients) before the workload moves on to fresh keys. */
export const keyEpochOpsCount = 400;

/**
 * The keys of a run. Keys rotate every keyEpochOpsCount operations (as Jepsen bounds writes per
 * key), so reads stay small and the per-key search stays cheap however long the run is.
 */
export class KeySpace {
  private ops = 0;
  private readonly used = new Set<string>();

  /** A key space for `workload`. */
  constructor(private readonly workload: WorkloadName) {}

  /** The key for the next operation on slot `slot` (big-values' big key does not rotate). */
  next(random: () => number): string {
    const slots = this.workload === 'hot-key' ? 1 : 4;
    const slot = Math.floor(random() * slots);
    const key = `${this.workload === 'hot-key' ? 'hot' : `k${slot}`}.${Math.floor(this.ops++ / keyEpochOpsCount)}`;
    this.used.add(key);
    return key;
  }

  /** Marks `key` as used (for keys chosen outside `next`). */
  use(key: string): string {
    this.used.add(key);
    return key;
  }

  /** Every key used so far, in first-use order (the final reads cover each). */
  all(): string[] {
    return [...this.used];
  }
}

/** Draws client `client`'s `seq`-th operation of `workload`; `random` is in [0, 1). */
export function planOp(
  workload: WorkloadName,
  client: number,
  seq: number,
  random: () => number,
  keys: KeySpace,
): PlannedOp {
  const key = keys.next(random);
  const token = `x ${client} ${seq} y `;
  const roll = random();
  switch (workload) {
    case 'append':
    case 'hot-key':
      return roll < 0.5 ? { f: 'append', key, value: token } : { f: 'get', key };
    case 'register':
      return roll < 0.5 ? { f: 'put', key, value: token } : { f: 'get', key };
    case 'mixed':
      if (roll < 0.45) return { f: 'append', key, value: token };
      return roll < 0.55 ? { f: 'put', key, value: token } : { f: 'get', key };
    case 'read-heavy':
      return roll < 0.1 ? { f: 'append', key, value: token } : { f: 'get', key };
    case 'big-values':
      if (roll < 0.02)
        return { f: 'put', key: keys.use(bigKey), value: token + 'b'.repeat(bigValueBytes) };
      if (roll < 0.03) return { f: 'get', key: keys.use(bigKey) };
      return roll < 0.5 ? { f: 'append', key, value: token } : { f: 'get', key };
  }
}
