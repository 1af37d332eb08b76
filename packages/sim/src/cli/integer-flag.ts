// The number flags of the simulator's command lines: an integer in a range, or commander's
// InvalidArgumentError naming the rule, so `--seeds abc` is an error (exit 1), never a NaN run
// that prints nothing and exits 0.
import { InvalidArgumentError } from 'commander';

/** The largest seed or seed count a flag accepts (seeds are safe integers). */
export const seedMax = Number.MAX_SAFE_INTEGER;

/** Returns a commander parser for an integer in [min, max]. */
export function integerIn(min: number, max: number): (text: string) => number {
  return (text: string) => {
    const value = Number(text);
    if (
      !/^-?\d+$/.test(text.trim()) ||
      !Number.isSafeInteger(value) ||
      value < min ||
      value > max
    ) {
      throw new InvalidArgumentError(`expected an integer in ${min}..${max}, got '${text}'`);
    }
    return value;
  };
}
