// Turns one EDN map (as read by edn-data with keywords as strings) into a history event. Shared
// by the Porcupine and Jepsen importers. Events of non-client processes (Jepsen's :nemesis) are
// skipped, because they are not operations on the model. Errors point at the map's start.

import { parseEDNString } from 'edn-data';
import { type HistoryError, historyError } from '../history/history-error.ts';
import type { EventType, HistoryEvent } from '../history/types.ts';
import type { EdnForm } from './edn-scanner.ts';

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

/** Reads one scanned form into an event; `timeFallback` is used when the map has no `:time`. */
export function readEdnForm(form: EdnForm, timeFallback: number): EdnEventResult {
  let record: unknown;
  try {
    record = parseEDNString(form.text, ednReadOptions);
  } catch (cause) {
    // edn-data's own messages can be internal ("undefined is not iterable"), so say what the
    // form should have been and quote the reader only as a detail.
    const detail = `the map starting here cannot be read (${(cause as Error).message})`;
    return historyError(form.line, 'bad-edn', detail, {
      column: form.column,
      expected: 'a map of keyword/value pairs such as {:type :invoke, :f :read, :process 0}',
    });
  }
  return eventFromEdnRecord(record, form, timeFallback);
}

/** Converts one EDN map to an event; `timeFallback` is used when the map has no `:time`. */
export function eventFromEdnRecord(
  record: unknown,
  place: { readonly line: number; readonly column?: number },
  timeFallback: number,
): EdnEventResult {
  const { line } = place;
  const column = place.column ?? 1;
  const bad = (field: string, expected: string, found: unknown): HistoryError =>
    historyError(line, 'bad-field', `${field} is ${describeValue(found)}`, { column, expected });
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return historyError(line, 'bad-edn', `found ${describeValue(record)}`, {
      column,
      expected: 'an EDN map {...} for each event',
    });
  }
  const { type, process, f, key, value, time } = record as Record<string, unknown>;
  if (typeof process === 'string') return 'skip';
  if (typeof type !== 'string' || !eventTypes.has(type)) {
    return historyError(line, 'unknown-type', `:type is ${describeValue(type)}`, {
      column,
      expected: 'a :type of :invoke, :ok, :fail or :info',
    });
  }
  if (typeof process !== 'number' || !Number.isSafeInteger(process) || process < 0) {
    return bad(':process', 'a :process that is a non-negative integer', process);
  }
  if (typeof f !== 'string' || f === '') return bad(':f', 'an :f keyword or string', f);
  if (time !== undefined && (typeof time !== 'number' || !Number.isFinite(time) || time < 0)) {
    return bad(':time', 'a :time that is a non-negative number', time);
  }
  if (key !== undefined && typeof key !== 'string' && typeof key !== 'number') {
    return bad(':key', 'a :key that is a string or a number', key);
  }
  const base = { type: type as EventType, process, f, time: time ?? timeFallback };
  const withKey = key === undefined ? base : { ...base, key: String(key) };
  return value === undefined || value === null ? withKey : { ...withKey, value };
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
