// The streaming JSON Lines parser for the history format. It accepts text in chunks of any size,
// validates each line's shape and the history's rules (via HistoryBuilder), and reports the first
// malformed line with its number, column and what was expected. It never guesses a missing or
// odd field.

import { HistoryBuilder, type HistoryBuilderOptions } from './history-builder.ts';
import { type HistoryError, type HistoryResult, historyError } from './history-error.ts';
import type { HistoryParser } from './history-parser.ts';
import { createLineSplitter } from './line-splitter.ts';
import type { EventType, HistoryEvent } from './types.ts';

const eventTypes: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info']);

/** The JSON Lines reader is one of the streaming history parsers. */
export type JsonlParser = HistoryParser;

/** Creates a streaming JSON Lines history parser. */
export function createJsonlParser(options: HistoryBuilderOptions = {}): JsonlParser {
  const builder = new HistoryBuilder(options);
  let error: HistoryError | undefined;
  const splitter = createLineSplitter(
    (line, lineNumber, last) => {
      if (line.trim() === '') return;
      const parsed = parseEventLine(line, lineNumber, last);
      const rejected = 'kind' in parsed ? parsed : builder.push(parsed, lineNumber);
      error = rejected === undefined ? undefined : withFieldColumn(rejected, line);
    },
    () => error !== undefined,
  );
  return {
    push(chunk) {
      if (error === undefined) splitter.push(chunk);
      return error;
    },
    end() {
      splitter.end();
      if (error !== undefined) return { ok: false, error };
      return { ok: true, history: builder.finish() };
    },
    get bytes() {
      return builder.bytes;
    },
  };
}

/** Parses a whole JSON Lines text into a history. */
export function parseJsonl(text: string): HistoryResult {
  const parser = createJsonlParser();
  parser.push(text);
  return parser.end();
}

/**
 * Parses and shape-checks one line into an event (history rules are checked by the builder);
 * `last` marks the input's final line, which may have been cut off.
 */
export function parseEventLine(
  line: string,
  lineNumber: number,
  last = false,
): HistoryEvent | HistoryError {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (cause) {
    return jsonError(line, lineNumber, last, (cause as Error).message);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return historyError(lineNumber, 'bad-json', `found ${JSON.stringify(line.slice(0, 40))}`, {
      column: 1,
      expected: 'one JSON object per line, such as {"type":"invoke",...}',
    });
  }
  return eventFromRecord(raw as Record<string, unknown>, line, lineNumber);
}

/** Turns JSON.parse's message into a position and an expectation, and spots a cut-off line. */
function jsonError(line: string, lineNumber: number, last: boolean, message: string): HistoryError {
  if (endsEarly(message, line.length)) {
    const why = last ? 'the file ends inside it (was it truncated?)' : 'the line ends early';
    return historyError(lineNumber, 'bad-json', `the line is cut off: ${why}`, {
      column: line.length + 1,
      expected: 'the rest of the JSON object, up to its closing }',
    });
  }
  const position = /at position (\d+)/.exec(message);
  const column = position === null ? firstBadColumn(line) : Number(position[1]) + 1;
  // V8 words some messages as the expectation ("Expected ',' or '}' after property value").
  const expected = /^Expected (.*?) in JSON/.exec(message)?.[1];
  return historyError(
    lineNumber,
    'bad-json',
    `found ${JSON.stringify(line.slice(column - 1, column + 11))}`,
    { column, expected: expected ?? 'valid JSON: a value, a "," or a closing } or ]' },
  );
}

/**
 * The 1-based column of the first character no valid JSON text can continue with: the shortest
 * prefix that fails for another reason than ending early (binary search; prefixes only get worse).
 */
function firstBadColumn(line: string): number {
  let low = 1;
  let high = line.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (failsBeforeEnd(line.slice(0, middle))) high = middle;
    else low = middle + 1;
  }
  return low;
}

function failsBeforeEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (cause) {
    return !endsEarly((cause as Error).message, prefix.length);
  }
}

/** Whether JSON.parse failed only because the text stopped (more text could have made it valid). */
function endsEarly(message: string, length: number): boolean {
  if (/end of JSON input|Unterminated string/i.test(message)) return true;
  const position = /at position (\d+)/.exec(message);
  return position !== null && Number(position[1]) >= length;
}

// The field each history rule is about, so its error can point at a column of the line.
const fieldOfReason: Partial<Record<HistoryError['reason'], string>> = {
  'time-backwards': 'time',
  'two-open-ops': 'process',
  'return-without-invoke': 'process',
  'mismatched-return': 'f',
};

/** The builder's error, pointing at the column of the field it is about when it has none. */
function withFieldColumn(error: HistoryError, line: string): HistoryError {
  const field = fieldOfReason[error.reason];
  if (error.column > 0 || field === undefined) return error;
  const at = line.indexOf(`"${field}"`);
  return at < 0 ? error : { ...error, column: at + 1 };
}

function fieldError(
  line: string,
  lineNumber: number,
  field: string,
  expected: string,
): HistoryError {
  const at = line.indexOf(`"${field}"`);
  const found = at < 0 ? `no "${field}" field` : `a bad "${field}"`;
  // A missing field is pointed at the start of the object, where it should have been.
  return historyError(lineNumber, 'bad-field', found, { column: Math.max(1, at + 1), expected });
}

function eventFromRecord(
  record: Record<string, unknown>,
  line: string,
  lineNumber: number,
): HistoryEvent | HistoryError {
  const { type, process, f, key, value, time } = record;
  if (typeof type !== 'string' || !eventTypes.has(type)) {
    const at = line.indexOf('"type"');
    return historyError(lineNumber, 'unknown-type', `type ${JSON.stringify(type)}`, {
      column: Math.max(1, at + 1),
      expected: 'a "type" of "invoke", "ok", "fail" or "info"',
    });
  }
  if (typeof process !== 'number' || !Number.isSafeInteger(process) || process < 0) {
    return fieldError(line, lineNumber, 'process', 'a "process" that is a non-negative integer');
  }
  if (typeof f !== 'string' || f === '') {
    return fieldError(line, lineNumber, 'f', 'an "f" that is a non-empty string');
  }
  if (key !== undefined && typeof key !== 'string') {
    return fieldError(line, lineNumber, 'key', 'a "key" that is a string, or no key');
  }
  if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) {
    return fieldError(line, lineNumber, 'time', 'a "time" that is non-negative nanoseconds');
  }
  // One literal per shape: spreading built three objects per line, and the garbage collector
  // took 40% of the time of reading a large file.
  const eventType = type as EventType;
  if (key === undefined) {
    return value === undefined
      ? { type: eventType, process, f, time }
      : { type: eventType, process, f, value, time };
  }
  return value === undefined
    ? { type: eventType, process, f, key, time }
    : { type: eventType, process, f, key, value, time };
}
