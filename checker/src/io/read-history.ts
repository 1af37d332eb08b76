// Reads a history file from disk in any supported format. The one place the checker touches the
// file system for input. Every format streams: chunks go to the format's parser, which keeps only
// the operations (not the file, not the events), and between chunks the reader checks the clock
// and the history's estimated size, so a huge file stops within its budget instead of after it.

import { createReadStream } from 'node:fs';
import { type HistoryError, type HistoryResult, historyError } from '../history/history-error.ts';
import type { HistoryParser } from '../history/history-parser.ts';
import { createJsonlParser } from '../history/parse-jsonl.ts';
import { createEdnParser } from '../import/edn.ts';
import { createPorcupineParser } from '../import/porcupine.ts';
import type { Clock } from '../linearizability/check-options.ts';

/** The input formats the checker reads. */
export type HistoryFormat = 'jsonl' | 'porcupine' | 'edn';

/** Limits of `readHistory`; without a clock the time budget cannot fire. */
export interface ReadLimits {
  readonly clock?: Clock;
  /** Wall-clock limit for reading. */
  readonly budgetMs?: number;
  /** Estimated bytes the parsed history may retain. */
  readonly historyBytesMax?: number;
}

const chunkBytes = 256 * 1024;

/** The parser of each format; large files keep operations only (events are rebuilt on demand). */
export function createParser(format: HistoryFormat): HistoryParser {
  const options = { retainEvents: false };
  if (format === 'jsonl') return createJsonlParser(options);
  return format === 'porcupine' ? createPorcupineParser(options) : createEdnParser(options);
}

/**
 * Reads and parses `path` in `format`. An unreadable file is a HistoryError on line 0; a budget
 * that runs out is one with reason `read-time-budget` or `read-memory-budget`.
 */
export async function readHistory(
  path: string,
  format: HistoryFormat,
  limits: ReadLimits = {},
): Promise<HistoryResult> {
  const parser = createParser(format);
  const startedMs = limits.clock?.now() ?? 0;
  let bytesRead = 0;
  try {
    const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: chunkBytes });
    for await (const chunk of stream) {
      const error = parser.push(chunk as string);
      bytesRead += (chunk as string).length;
      const stop = error ?? budgetError(parser, limits, startedMs, bytesRead);
      if (stop !== undefined) {
        stream.destroy();
        return { ok: false, error: stop };
      }
    }
  } catch (cause) {
    return { ok: false, error: historyError(0, 'unreadable', (cause as Error).message) };
  }
  return parser.end();
}

/** The budget reading has exceeded after `characters` of input, if any. */
function budgetError(
  parser: HistoryParser,
  limits: ReadLimits,
  startedMs: number,
  characters: number,
): HistoryError | undefined {
  const elapsedMs = (limits.clock?.now() ?? 0) - startedMs;
  if (elapsedMs > (limits.budgetMs ?? Number.POSITIVE_INFINITY)) {
    return historyError(
      0,
      'read-time-budget',
      `stopped after ${describeRead(characters)} in ${elapsedMs.toFixed(0)} ms`,
      {
        expected: 'a larger --budget-ms to read the whole file',
      },
    );
  }
  const bytesMax = limits.historyBytesMax ?? Number.POSITIVE_INFINITY;
  if (parser.bytes > bytesMax) {
    return historyError(
      0,
      'read-memory-budget',
      `the history in the first ${describeRead(characters)} holds about ${mebibytes(parser.bytes)} MiB`,
      {
        expected: `at most ${mebibytes(bytesMax)} MiB (raise --memory-mb)`,
      },
    );
  }
  return undefined;
}

function describeRead(characters: number): string {
  return `${mebibytes(characters)} MiB of input`;
}

function mebibytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/** Picks a format from the file's extension, else from its first non-blank characters. */
export async function detectFormat(path: string): Promise<HistoryFormat> {
  if (/\.jsonl?$/i.test(path)) return 'jsonl';
  if (/\.edn$/i.test(path)) return 'edn';
  let head = '';
  try {
    const handle = createReadStream(path, { encoding: 'utf8', start: 0, end: 4095 });
    for await (const chunk of handle) head += chunk as string;
  } catch {
    return 'jsonl';
  }
  return detectFormatFromText(head);
}

/** Picks a format from a file's first characters: `{"` is JSON, `{:` EDN (Porcupine if no :time). */
export function detectFormatFromText(head: string): HistoryFormat {
  const text = head.trimStart();
  if (text.startsWith('[') || text.startsWith('(')) return 'edn';
  if (!text.startsWith('{:')) return 'jsonl';
  const firstLine = text.split('\n', 1)[0] ?? '';
  return firstLine.includes(':key ') && !firstLine.includes(':time ') ? 'porcupine' : 'edn';
}
