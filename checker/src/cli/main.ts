// The kvraft-check entry point: builds the commander program and wires the real process (stdout,
// performance.now) into runCheck. Run through bin/kvraft-check.mjs, which loads TypeScript.

import { Command, InvalidArgumentError, Option } from 'commander';
import { exitCodes, runCheck } from './run-check.ts';

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new InvalidArgumentError('expected a positive integer');
  return value;
}

/** Parses `argv` (without node and script), runs the check and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = exitCodes.unreadable;
  const program = new Command('kvraft-check')
    .description('Check a recorded history for linearizability and append anomalies.')
    .argument('<file>', 'history file (JSON Lines, Porcupine KV log, or Jepsen EDN)')
    .addOption(
      new Option('--format <format>', 'input format (default: from extension/content)').choices([
        'jsonl',
        'porcupine',
        'edn',
      ]),
    )
    .addOption(
      new Option('--model <model>', 'model (default: register if read/write/cas, else kv)').choices(
        ['kv', 'register'],
      ),
    )
    .option('--budget-ms <ms>', 'time budget for the whole check', positiveInteger, 10_000)
    .option(
      '--partition-budget-ms <ms>',
      'time budget per key (default: --budget-ms)',
      positiveInteger,
    )
    .option('--html <out>', 'write a self-contained HTML report')
    .option('--json', 'print the result as JSON', false)
    .option('--shrink <out>', 'on a violation, shrink it and write the sub-history as JSONL')
    .option('--all-partitions', 'keep checking after the first illegal key', false)
    .option('--token-pattern <regex>', 'regex of one append token (default "x \\S+ \\d+ y")')
    .exitOverride()
    .action(async (file: string, options: Record<string, unknown>) => {
      exitCode = await runCheck(
        {
          file,
          ...options,
          json: options['json'] === true,
          allPartitions: options['allPartitions'] === true,
        } as Parameters<typeof runCheck>[0],
        {
          write: (text) => process.stdout.write(text),
          isTerminal: process.stdout.isTTY === true,
          now: () => performance.now(),
        },
      );
    });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    return code === 0 ? exitCodes.ok : exitCodes.unreadable;
  }
  return exitCode;
}
