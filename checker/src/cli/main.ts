// The kvraft-check entry point: builds the commander program and wires the real process (stdout,
// stderr, performance.now) into runCheck. Run by the compiled src/cli/bin.ts. Every way of
// failing prints why on stderr: commander's usage errors exit 4.

import { Command, InvalidArgumentError, Option } from 'commander';
import { exitCodes, runCheck } from './run-check.ts';

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`expected a positive integer, got ${JSON.stringify(text)}`);
  }
  return value;
}

function regularExpression(text: string): string {
  try {
    new RegExp(text, 'g');
  } catch (error) {
    throw new InvalidArgumentError(`not a regular expression: ${(error as Error).message}`);
  }
  return text;
}

/** Builds the command-line program; `run` receives the parsed file and options. */
export function buildProgram(
  run: (file: string, options: Record<string, unknown>) => Promise<void>,
): Command {
  return new Command('kvraft-check')
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
    .option(
      '--budget-ms <ms>',
      'wall-clock budget for reading and checking',
      positiveInteger,
      10_000,
    )
    .option(
      '--partition-budget-ms <ms>',
      'time budget per key (default: --budget-ms)',
      positiveInteger,
    )
    .option(
      '--memory-mb <mib>',
      'memory budget for the history and the search',
      positiveInteger,
      1024,
    )
    .option('--allow-empty', 'accept a history with no operations (exit 0)', false)
    .option('--html <out>', 'write a self-contained HTML report')
    .option('--json', 'print the result as JSON', false)
    .option('--shrink <out>', 'on a violation, shrink it and write the sub-history as JSONL')
    .option('--all-partitions', 'keep checking after the first illegal key', false)
    .option(
      '--token-pattern <regex>',
      'regex of one append token (default "x \\S+ \\d+ y")',
      regularExpression,
    )
    .exitOverride()
    .action(run);
}

/** Parses `argv` (without node and script), runs the check and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = exitCodes.usage;
  const program = buildProgram(async (file, options) => {
    exitCode = await runCheck(
      {
        file,
        ...options,
        json: options['json'] === true,
        allPartitions: options['allPartitions'] === true,
        allowEmpty: options['allowEmpty'] === true,
      } as Parameters<typeof runCheck>[0],
      {
        write: (text) => process.stdout.write(text),
        writeError: (text) => process.stderr.write(text),
        isTerminal: process.stdout.isTTY === true,
        now: () => performance.now(),
      },
    );
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    // Commander has already printed its message (usage errors) or the help (exit code 0).
    const code = (error as { exitCode?: number }).exitCode;
    if (code === 0) return exitCodes.ok;
    if (code === undefined) {
      process.stderr.write(`kvraft-check: internal error: ${(error as Error).stack ?? error}\n`);
      return exitCodes.unreadable;
    }
    return exitCodes.usage;
  }
  return exitCode;
}
