// Reads a history file from disk in any supported format. The one place the checker touches the
// file system for input; JSON Lines files are streamed and stop at the first malformed line.

import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type HistoryResult, historyError } from '../history/history-error.ts';
import { createJsonlParser } from '../history/parse-jsonl.ts';
import { importEdn } from '../import/edn.ts';
import { importPorcupine } from '../import/porcupine.ts';

/** The input formats the checker reads. */
export type HistoryFormat = 'jsonl' | 'porcupine' | 'edn';

/** Reads and parses `path` in `format`; unreadable files are a HistoryError on line 0. */
export async function readHistory(path: string, format: HistoryFormat): Promise<HistoryResult> {
  try {
    if (format === 'jsonl') return await streamJsonl(path);
    const text = await readFile(path, 'utf8');
    return format === 'porcupine' ? importPorcupine(text) : importEdn(text);
  } catch (cause) {
    return { ok: false, error: historyError(0, 'unreadable', (cause as Error).message) };
  }
}

async function streamJsonl(path: string): Promise<HistoryResult> {
  const parser = createJsonlParser();
  const stream = createReadStream(path, { encoding: 'utf8' });
  for await (const chunk of stream) {
    const error = parser.push(chunk as string);
    if (error !== undefined) {
      stream.destroy();
      return { ok: false, error };
    }
  }
  return parser.end();
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
