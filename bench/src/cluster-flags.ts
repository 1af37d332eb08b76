// Parsers of the `cluster` command's flags: lists, durations and byte sizes, each refusing what
// it cannot read, so a typo stops the run at once instead of benchmarking the wrong grid.
import { InvalidArgumentError } from 'commander';

/** Parses `1,8,64` into positive integers in `[1, max]`. */
export function parseCounts(text: string, max: number): number[] {
  return splitList(text).map((item) => {
    const value = Number(item);
    if (!Number.isSafeInteger(value) || value < 1 || value > max) {
      throw new InvalidArgumentError(`expected integers in 1..${max}, got '${item}'`);
    }
    return value;
  });
}

/** Parses one positive integer in `[1, max]`. */
export function parseCount(text: string, max: number): number {
  const [value, ...more] = parseCounts(text, max);
  if (value === undefined || more.length > 0) {
    throw new InvalidArgumentError(`expected one integer, got '${text}'`);
  }
  return value;
}

/** Parses `a,b` into names from `allowed` (deduplicated, in the given order). */
export function parseNames<T extends string>(text: string, allowed: readonly T[]): T[] {
  const names = splitList(text).map((item) => {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new InvalidArgumentError(`expected some of ${allowed.join(', ')}, got '${item}'`);
    }
    return item as T;
  });
  return [...new Set(names)];
}

/** Parses `5s`, `500ms` or `2m` into milliseconds (at most an hour, at least 100 ms). */
export function parseDurationMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  const unitMs = { ms: 1, s: 1000, m: 60_000 } as const;
  const ms =
    match === null ? Number.NaN : Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
  if (!(ms >= 100 && ms <= 3_600_000)) {
    throw new InvalidArgumentError(`expected a duration from 100ms to 60m like 5s, got '${text}'`);
  }
  return ms;
}

/** Parses `16,1024,1KiB,1MiB` into byte counts in `[1, 16 MiB]`. */
export function parseByteSizes(text: string): number[] {
  const unit = { '': 1, KiB: 1024, MiB: 1024 * 1024 } as const;
  return splitList(text).map((item) => {
    const match = /^(\d+)(|KiB|MiB)$/.exec(item);
    const bytes =
      match === null ? Number.NaN : Number(match[1]) * unit[match[2] as keyof typeof unit];
    if (!(bytes >= 1 && bytes <= 16 * 1024 * 1024)) {
      throw new InvalidArgumentError(`expected sizes like 16, 1KiB, 1MiB, got '${item}'`);
    }
    return bytes;
  });
}

function splitList(text: string): string[] {
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new InvalidArgumentError(`empty item in '${text}'`);
  return items;
}
