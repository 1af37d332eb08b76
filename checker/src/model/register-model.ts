// The register model: read/write/cas on one value per key, null before any write. A cas input is
// [old, new]. A cas that returned `fail` never took effect (the search drops it); a cas that
// returned ok with output `false` ran and found a value other than `old`, so it changed nothing.

import type { Operation } from '../history/types.ts';
import { abbreviate, hashString, illegal, type Model, partitionByKey } from './model.ts';

/** A register holds one JSON primitive; null means never written. */
export type RegisterValue = string | number | boolean | null;

const functions: ReadonlySet<string> = new Set(['read', 'write', 'cas']);

/** The read/write/compare-and-set register model (Jepsen's cas-register), partitioned by key. */
export const registerModel: Model<RegisterValue> = {
  name: 'register',
  init: () => null,
  step(state, operation) {
    switch (operation.f) {
      case 'read':
        if (operation.status !== 'ok') return state;
        return (operation.output ?? null) === state ? state : illegal;
      case 'write':
        return operation.input as RegisterValue;
      case 'cas':
        return stepCas(state, operation);
      default:
        return illegal;
    }
  },
  equal: (left, right) => left === right,
  hash: (state) => hashString(`${typeof state}:${String(state)}`),
  stateBytes: (state) => (typeof state === 'string' ? state.length + 40 : 16),
  partition: partitionByKey,
  validate(operation) {
    if (!functions.has(operation.f)) return `register model has no function ${operation.f}`;
    if (operation.f === 'cas' && !isCasInput(operation.input)) {
      return 'register cas needs a value [old, new]';
    }
    if (operation.f === 'write' && !isPrimitive(operation.input)) {
      return 'register write needs a primitive value';
    }
    return undefined;
  },
  describeOperation: describeRegisterOperation,
  describeState: (state) => abbreviate(state),
  resetState(operation) {
    if (operation.f === 'read') return undefined;
    if (operation.f === 'write') return operation.input as RegisterValue;
    if (operation.status === 'ok' && operation.output === false) return undefined;
    // A cas that took effect leaves `new`; one that did not is a read (monotone).
    return (operation.input as [RegisterValue, RegisterValue])[1];
  },
  observable(partition) {
    // An info write or cas leaving a value no read returned and no cas expects cannot be seen:
    // nothing between it and the next write could tell. A cas that ran and found another value
    // (ok, false) can tell any difference, so then only info reads are dropped.
    if (partition.some((o) => o.f === 'cas' && o.status === 'ok' && o.output === false)) {
      return (info) => info.f !== 'read';
    }
    const seen = new Set<RegisterValue>();
    for (const operation of partition) {
      if (operation.f === 'read' && operation.status === 'ok')
        seen.add((operation.output as RegisterValue) ?? null);
      if (operation.f === 'cas') seen.add((operation.input as [RegisterValue, RegisterValue])[0]);
    }
    return (info) => {
      if (info.f === 'read') return false;
      const left =
        info.f === 'write' ? info.input : (info.input as [RegisterValue, RegisterValue])[1];
      return seen.has(left as RegisterValue);
    };
  },
  reachable(state, target) {
    // Only reads are monotone and they change nothing, so a later read must see this value.
    if (target.f !== 'read' || target.status !== 'ok') return true;
    return (target.output ?? null) === state;
  },
};

function stepCas(state: RegisterValue, operation: Operation): RegisterValue | typeof illegal {
  const [expected, next] = operation.input as [RegisterValue, RegisterValue];
  const matches = expected === state;
  if (operation.status !== 'ok') return matches ? next : state;
  if (operation.output === false) return matches ? illegal : state;
  return matches ? next : illegal;
}

function isPrimitive(value: unknown): value is RegisterValue {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function isCasInput(value: unknown): boolean {
  return Array.isArray(value) && value.length === 2 && value.every(isPrimitive);
}

function describeRegisterOperation(operation: Operation): string {
  const key = operation.key === undefined ? '' : `${JSON.stringify(operation.key)}, `;
  if (operation.f === 'read') {
    const result = operation.status === 'ok' ? abbreviate(operation.output ?? null) : '?';
    return `read(${key.slice(0, -2)}) → ${result}`;
  }
  const result = operation.f === 'cas' && operation.output === false ? ' → false' : '';
  return `${operation.f}(${key}${abbreviate(operation.input)})${result}`;
}
