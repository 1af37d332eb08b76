// Where a put/append value comes from: the argument, a file (`--value-file F`), or stdin (`-` as
// the value or the file). Nothing larger than the server's value limit is read into memory: a
// file is sized first and stdin is cut off one byte past the limit, so an oversized value fails
// at once with its size instead of timing out against the server.
import { readFileSync, statSync } from 'node:fs';

/** Where the value was given. */
export interface ValueSource {
  /** The positional value; `-` means stdin. */
  readonly value?: string;
  /** `--value-file`; `-` means stdin. */
  readonly valueFile?: string;
}

/** A value refused before anything was sent. */
export class ValueError extends Error {}

/** Reads the value from its source; throws ValueError when it is missing, doubled or too large. */
export async function readValue(
  source: ValueSource,
  valueBytesMax: number,
  stdin: AsyncIterable<Buffer | string> = process.stdin,
): Promise<string> {
  if (source.value !== undefined && source.valueFile !== undefined) {
    throw new ValueError('give the value or --value-file, not both');
  }
  const from = source.valueFile ?? source.value;
  if (from === undefined)
    throw new ValueError('no value: give one, --value-file F, or - for stdin');
  if (source.valueFile === undefined && from !== '-') return checked(from, valueBytesMax);
  if (from === '-') return checked(await readStdin(stdin, valueBytesMax), valueBytesMax);
  const sizeBytes = statSync(from).size;
  if (sizeBytes > valueBytesMax) throw tooLarge(`${from} is ${sizeBytes} bytes`, valueBytesMax);
  return checked(readFileSync(from, 'utf8'), valueBytesMax);
}

/** Throws ValueError when `value` exceeds the limit in UTF-8 bytes; returns it otherwise. */
export function checked(value: string, valueBytesMax: number): string {
  const sizeBytes = Buffer.byteLength(value, 'utf8');
  if (sizeBytes > valueBytesMax) throw tooLarge(`the value is ${sizeBytes} bytes`, valueBytesMax);
  return value;
}

// Stops reading one byte past the limit: enough to know the value is too large.
async function readStdin(
  stdin: AsyncIterable<Buffer | string>,
  valueBytesMax: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let sizeBytes = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(bytes);
    sizeBytes += bytes.length;
    if (sizeBytes > valueBytesMax) throw tooLarge('stdin holds more', valueBytesMax);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(what: string, valueBytesMax: number): ValueError {
  return new ValueError(`value too large: ${what}; the limit is ${valueBytesMax} bytes`);
}
