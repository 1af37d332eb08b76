// Turns one EDN map (as read by edn-data with keywords as strings) into a history event. Shared
// by the Porcupine and Jepsen importers. Events of non-client processes (Jepsen's :nemesis) are
// skipped, because they are not operations on the model.

import { type HistoryError, historyError } from '../history/history-error.ts';
import type { EventType, HistoryEvent } from '../history/types.ts';

const eventTypes: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info']);

/** The EDN reader options both importers use: plain objects, keywords as strings. */
export const ednReadOptions = {
  mapAs: 'object',
  keywordAs: 'string',
  listAs: 'array',
  setAs: 'array',
} as const;

/** An event read from EDN, or `skip` for events that are not client operations. */
export type EdnEventResult = HistoryEvent | HistoryError | 'skip';

/** Converts one EDN map to an event; `timeFallback` is used when the map has no `:time`. */
export function eventFromEdnRecord(
  record: unknown,
  line: number,
  timeFallback: number,
): EdnEventResult {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return historyError(line, 'bad-edn', 'an event must be an EDN map');
  }
  const { type, process, f, key, value, time } = record as Record<string, unknown>;
  if (typeof process === 'string') return 'skip';
  if (typeof type !== 'string' || !eventTypes.has(type)) {
    return historyError(
      line,
      'unknown-type',
      `type ${String(type)} is not one of invoke, ok, fail, info`,
    );
  }
  if (typeof process !== 'number' || !Number.isSafeInteger(process) || process < 0) {
    return historyError(line, 'bad-field', ':process must be a non-negative integer');
  }
  if (typeof f !== 'string' || f === '') {
    return historyError(line, 'bad-field', ':f must be a keyword or string');
  }
  if (time !== undefined && (typeof time !== 'number' || !Number.isFinite(time) || time < 0)) {
    return historyError(line, 'bad-field', ':time must be a non-negative number');
  }
  if (key !== undefined && typeof key !== 'string' && typeof key !== 'number') {
    return historyError(line, 'bad-field', ':key must be a string or a number');
  }
  const base = { type: type as EventType, process, f, time: time ?? timeFallback };
  const withKey = key === undefined ? base : { ...base, key: String(key) };
  return value === undefined || value === null ? withKey : { ...withKey, value };
}
