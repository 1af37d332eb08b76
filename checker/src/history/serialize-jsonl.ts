// Writes histories back to the JSON Lines format, and rebuilds a history from a subset of its
// operations (used by the shrinker). An info operation's completion is written right after its
// invocation: its return time carries no information (it may take effect at any later time).

import { assert } from '../assert.ts';
import { historyFromEvents } from './history-builder.ts';
import type { History, HistoryEvent, Operation } from './types.ts';

/** Serializes events as JSON Lines, one event per line, with a trailing newline. */
export function toJsonl(history: History): string {
  // A history read without its events (a large file) is written from its operations.
  const events =
    history.events.length === 0 && history.operations.length > 0
      ? historyFromOperations(history.operations).events
      : history.events;
  return events.map((event) => `${JSON.stringify(event)}\n`).join('');
}

/** Builds a valid history holding exactly `operations` (renumbered in invocation order). */
export function historyFromOperations(operations: readonly Operation[]): History {
  const timed: { time: number; order: number; event: HistoryEvent }[] = [];
  for (const operation of operations) {
    const base = {
      process: operation.process,
      f: operation.f,
      ...(operation.key === undefined ? {} : { key: operation.key }),
    };
    const input = operation.input === undefined ? {} : { value: operation.input };
    timed.push({
      time: operation.callNs,
      order: operation.id * 2,
      event: { type: 'invoke', ...base, ...input, time: operation.callNs },
    });
    const returnNs = Number.isFinite(operation.returnNs) ? operation.returnNs : operation.callNs;
    const output =
      operation.status === 'ok' && operation.output !== undefined
        ? { value: operation.output }
        : {};
    const completion: HistoryEvent = { type: operation.status, ...base, ...output, time: returnNs };
    timed.push({ time: returnNs, order: operation.id * 2 + 1, event: completion });
  }
  timed.sort((left, right) => left.time - right.time || left.order - right.order);
  const result = historyFromEvents(timed.map((item) => item.event));
  assert(result.ok, 'operations of a valid history rebuild a valid history');
  return result.history;
}
