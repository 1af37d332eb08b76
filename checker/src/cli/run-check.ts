// The `kvraft-check` command as a plain function: read, validate, check, append-check, report.
// I/O comes in through `deps` so the behaviour is testable; main.ts wires the real process.
// Exit codes: 0 linearizable, 1 violation, 2 undecided (a budget ran out, or no operations),
// 3 unreadable input, 4 bad usage (an output that cannot be written, a bad pattern). One
// wall-clock budget covers reading, checking and explaining; one memory budget covers the
// history and the search.

import { access, constants, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type AppendCheckResult, checkAppends } from '../appends/check-appends.ts';
import {
  describeHistoryError,
  type HistoryError,
  historyError,
  isBudgetError,
} from '../history/history-error.ts';
import { toJsonl } from '../history/serialize-jsonl.ts';
import type { History } from '../history/types.ts';
import { detectFormat, type HistoryFormat, readHistory } from '../io/read-history.ts';
import { check } from '../linearizability/check.ts';
import type { CheckProgress, Clock } from '../linearizability/check-options.ts';
import type { CheckResult } from '../linearizability/check-result.ts';
import { kvModel } from '../model/kv-model.ts';
import type { Model } from '../model/model.ts';
import { registerModel } from '../model/register-model.ts';
import { type ExplainOptions, explain } from '../report/explain.ts';
import { renderHtml } from '../report/render-html.ts';
import { shrink } from '../shrink/shrink.ts';

/** The command's options, as parsed from the command line. */
export interface CheckCommandOptions {
  readonly file: string;
  readonly format?: HistoryFormat;
  readonly model?: 'kv' | 'register';
  readonly budgetMs: number;
  readonly partitionBudgetMs?: number;
  /** Memory budget in MiB for the parsed history plus the search (default 1024). */
  readonly memoryMb?: number;
  /** Accept a history with no operations (exit 0) instead of calling it undecided. */
  readonly allowEmpty?: boolean;
  readonly html?: string;
  readonly json: boolean;
  readonly shrink?: string;
  readonly allPartitions: boolean;
  readonly tokenPattern?: string;
}

/** What the command needs from the outside world. */
export interface CheckCommandDeps {
  readonly write: (text: string) => void;
  /** Where errors go (stderr); defaults to `write`. */
  readonly writeError?: (text: string) => void;
  readonly isTerminal: boolean;
  readonly now: () => number;
}

/** Exit codes of kvraft-check. */
export const exitCodes = { ok: 0, violation: 1, undecided: 2, unreadable: 3, usage: 4 } as const;

const mebibyte = 1024 * 1024;
const partitionLinesMax = 10;

/** Runs the command; returns its exit code. */
export async function runCheck(
  options: CheckCommandOptions,
  deps: CheckCommandDeps,
): Promise<number> {
  const startedMs = deps.now();
  const remainingMs = (): number => Math.max(0, options.budgetMs - (deps.now() - startedMs));
  const fail = (code: number, text: string): number => {
    (deps.writeError ?? deps.write)(`kvraft-check: ${text}\n`);
    return code;
  };
  const usage = await usageProblem(options);
  if (usage !== undefined) return fail(exitCodes.usage, usage);
  const memoryBytes = (options.memoryMb ?? 1024) * mebibyte;
  const format = options.format ?? (await detectFormat(options.file));
  const read = await readHistory(options.file, format, {
    clock: { now: deps.now },
    budgetMs: options.budgetMs,
    historyBytesMax: memoryBytes,
  });
  if (!read.ok)
    return fail(readFailureCode(read.error), readFailure(options.file, format, read.error));
  const { history } = read;
  if (history.operations.length === 0 && options.allowEmpty !== true) {
    return fail(
      exitCodes.undecided,
      `${options.file}: no operations (an empty history proves nothing; pass --allow-empty to accept it)`,
    );
  }
  const modelName = options.model ?? guessModel(history);
  const model: Model<unknown> = (modelName === 'kv' ? kvModel : registerModel) as Model<unknown>;
  const invalid = invalidOperation(history, model);
  if (invalid !== undefined)
    return fail(exitCodes.unreadable, readFailure(options.file, format, invalid));
  const searchBytes = Math.max(0, memoryBytes - estimateHistoryBytes(history));
  const result = check(history, model, {
    clock: { now: deps.now },
    budgetMs: remainingMs(),
    partitionBudgetMs: Math.min(options.partitionBudgetMs ?? options.budgetMs, remainingMs()),
    memoryBytesMax: searchBytes,
    partitionBytesMax: searchBytes,
    stopAtFirstIllegal: !options.allPartitions,
    ...(deps.isTerminal ? { onProgress: progressLine(deps) } : {}),
  });
  const appends = modelName === 'kv' ? runAppendChecks(history, options.tokenPattern) : undefined;
  const explainOptions = { clock: { now: deps.now }, budgetMs: remainingMs() };
  if (options.html !== undefined) {
    const html = renderHtml(history, result, model, {
      ...(appends === undefined ? {} : { appends }),
      explain: explainOptions,
    });
    await writeFile(options.html, html);
  }
  if (options.shrink !== undefined && result.verdict === 'illegal') {
    await writeShrunk(history, model, options.shrink, {
      deps: options.json ? undefined : deps,
      clock: { now: deps.now },
      budgetMs: remainingMs(),
    });
  }
  const verdict = combinedVerdict(result, appends);
  const summary = {
    file: options.file,
    format,
    verdict,
    linearizability: result,
    appends: appends ?? null,
  };
  deps.write(
    options.json
      ? `${JSON.stringify(summary)}\n`
      : describeResult(options.file, history, result, model, appends, explainOptions),
  );
  return exitCodes[
    verdict === 'illegal' ? 'violation' : verdict === 'unknown' ? 'undecided' : 'ok'
  ];
}

/** Why the options cannot work, checked before any reading (so a long check is not wasted). */
async function usageProblem(options: CheckCommandOptions): Promise<string | undefined> {
  if (options.tokenPattern !== undefined) {
    try {
      new RegExp(options.tokenPattern, 'g');
    } catch (error) {
      return `--token-pattern ${JSON.stringify(options.tokenPattern)} is not a regular expression: ${(error as Error).message}`;
    }
  }
  for (const [flag, out] of [
    ['--html', options.html],
    ['--shrink', options.shrink],
  ] as const) {
    if (out === undefined) continue;
    const problem = await unwritable(out);
    if (problem !== undefined) return `cannot write ${flag} ${out}: ${problem}`;
  }
  return undefined;
}

async function unwritable(file: string): Promise<string | undefined> {
  const directory = path.dirname(path.resolve(file));
  try {
    if (!(await stat(directory)).isDirectory()) return `${directory} is not a directory`;
  } catch {
    return `the directory ${directory} does not exist`;
  }
  try {
    await access(directory, constants.W_OK);
  } catch {
    return `the directory ${directory} is not writable`;
  }
  try {
    if ((await stat(file)).isDirectory()) return `${file} is a directory`;
  } catch {
    // A file that does not exist yet is what we expect.
  }
  return undefined;
}

function readFailureCode(error: HistoryError): number {
  return isBudgetError(error) ? exitCodes.undecided : exitCodes.unreadable;
}

function readFailure(file: string, format: string, error: HistoryError): string {
  const what = isBudgetError(error) ? 'undecided: reading' : 'cannot read';
  return `${what} ${file} (${format}): ${describeHistoryError(error)}`;
}

function invalidOperation(history: History, model: Model<unknown>): HistoryError | undefined {
  for (const operation of history.operations) {
    const why = model.validate(operation);
    if (why === undefined) continue;
    return historyError(operation.callLine, 'bad-field', why, {
      expected: `an operation the ${model.name} model can run (or another --model)`,
    });
  }
  return undefined;
}

/** The history's retained size, estimated as the readers do (operations and their values). */
function estimateHistoryBytes(history: History): number {
  let bytes = 0;
  for (const operation of history.operations) {
    bytes += 200 + JSON.stringify(operation.input ?? null).length;
    bytes += JSON.stringify(operation.output ?? null).length;
  }
  return bytes;
}

function guessModel(history: History): 'kv' | 'register' {
  const registerFunctions = new Set(['read', 'write', 'cas']);
  return history.operations.some((op) => registerFunctions.has(op.f)) ? 'register' : 'kv';
}

function runAppendChecks(
  history: History,
  tokenPattern: string | undefined,
): AppendCheckResult | undefined {
  const pattern = tokenPattern === undefined ? /x \S+ \d+ y/g : new RegExp(tokenPattern, 'g');
  const tokened = history.operations.some(
    (op) =>
      op.f === 'append' &&
      typeof op.input === 'string' &&
      new RegExp(pattern.source).test(op.input),
  );
  return tokened ? checkAppends(history, { tokenPattern: pattern }) : undefined;
}

function combinedVerdict(
  result: CheckResult,
  appends: AppendCheckResult | undefined,
): CheckResult['verdict'] {
  return appends?.verdict === 'illegal' ? 'illegal' : result.verdict;
}

async function writeShrunk(
  history: History,
  model: Model<unknown>,
  path: string,
  budget: { deps: CheckCommandDeps | undefined; clock: Clock; budgetMs: number },
): Promise<void> {
  const { deps } = budget;
  const shrunk = shrink(history, model, { clock: budget.clock, budgetMs: budget.budgetMs });
  if (shrunk === undefined) return;
  const text = toJsonl(shrunk.history);
  await writeFile(path, text);
  deps?.write(
    `shrunk key ${JSON.stringify(shrunk.key)} from ${shrunk.operationCountBefore} to ${shrunk.history.operations.length} operations (${shrunk.checks} checks), written to ${path}:\n${text}`,
  );
}

function describeResult(
  file: string,
  history: History,
  result: CheckResult,
  model: Model<unknown>,
  appends: AppendCheckResult | undefined,
  explainOptions: ExplainOptions,
): string {
  const lines = [
    `${file}: ${result.verdict} (${result.operationCount} operations, ${result.partitions.length} partitions, ${result.elapsedMs.toFixed(1)} ms)`,
  ];
  const undecided = result.partitions.filter((partition) => partition.verdict !== 'ok');
  for (const partition of undecided.slice(0, partitionLinesMax)) {
    lines.push(
      `  key ${JSON.stringify(partition.key)}: ${partition.verdict}${partition.reason === undefined ? '' : ` (${partition.reason})`}`,
    );
  }
  if (undecided.length > partitionLinesMax) {
    const reasons = [
      ...new Set(undecided.map((partition) => partition.reason ?? partition.verdict)),
    ];
    lines.push(`  … and ${undecided.length - partitionLinesMax} more keys (${reasons.join(', ')})`);
  }
  for (const explanation of explain(history, result, model, {
    ...explainOptions,
    partitionsMax: 3,
  })) {
    lines.push(...explanation.sentences.map((sentence) => `    ${sentence}`));
  }
  if (appends !== undefined) {
    if (appends.skippedReason !== undefined)
      lines.push(`appends: skipped (${appends.skippedReason})`);
    else
      lines.push(
        `appends: ${appends.verdict} (${appends.readsChecked} reads, ${appends.tokensChecked} tokens, ${appends.violations.length} violations)`,
      );
    lines.push(
      ...appends.violations
        .slice(0, 10)
        .map((violation) => `  ${violation.kind}: ${violation.message}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

function progressLine(deps: CheckCommandDeps): (progress: CheckProgress) => void {
  let shownMs = 0;
  return (progress) => {
    // A line only on long checks, refreshed at most four times a second.
    if (progress.elapsedMs < 1000 || progress.elapsedMs - shownMs < 250) return;
    shownMs = progress.elapsedMs;
    deps.write(
      `\rchecking: ${progress.partitionsDecided}/${progress.partitionCount} partitions decided, ${(progress.elapsedMs / 1000).toFixed(1)} s, ${progress.steps} steps\x1b[K`,
    );
    if (progress.partitionsDecided === progress.partitionCount) deps.write('\r\x1b[K');
  };
}
