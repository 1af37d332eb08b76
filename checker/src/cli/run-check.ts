// The `kvraft-check` command as a plain function: read, validate, check, append-check, report.
// I/O comes in through `deps` so the behaviour is testable; main.ts wires the real process.
// Exit codes: 0 linearizable, 1 violation, 2 undecided, 3 unreadable input.

import { writeFile } from 'node:fs/promises';
import { type AppendCheckResult, checkAppends } from '../appends/check-appends.ts';
import { describeHistoryError, historyError } from '../history/history-error.ts';
import { toJsonl } from '../history/serialize-jsonl.ts';
import type { History } from '../history/types.ts';
import { detectFormat, type HistoryFormat, readHistory } from '../io/read-history.ts';
import { check } from '../linearizability/check.ts';
import type { CheckProgress } from '../linearizability/check-options.ts';
import type { CheckResult } from '../linearizability/check-result.ts';
import { kvModel } from '../model/kv-model.ts';
import type { Model } from '../model/model.ts';
import { registerModel } from '../model/register-model.ts';
import { explain } from '../report/explain.ts';
import { renderHtml } from '../report/render-html.ts';
import { shrink } from '../shrink/shrink.ts';

/** The command's options, as parsed from the command line. */
export interface CheckCommandOptions {
  readonly file: string;
  readonly format?: HistoryFormat;
  readonly model?: 'kv' | 'register';
  readonly budgetMs: number;
  readonly partitionBudgetMs?: number;
  readonly html?: string;
  readonly json: boolean;
  readonly shrink?: string;
  readonly allPartitions: boolean;
  readonly tokenPattern?: string;
}

/** What the command needs from the outside world. */
export interface CheckCommandDeps {
  readonly write: (text: string) => void;
  readonly isTerminal: boolean;
  readonly now: () => number;
}

/** Exit codes of kvraft-check. */
export const exitCodes = { ok: 0, violation: 1, undecided: 2, unreadable: 3 } as const;

/** Runs the command; returns its exit code. */
export async function runCheck(
  options: CheckCommandOptions,
  deps: CheckCommandDeps,
): Promise<number> {
  const format = options.format ?? (await detectFormat(options.file));
  const read = await readHistory(options.file, format);
  if (!read.ok) {
    deps.write(
      `kvraft-check: cannot read ${options.file} (${format}): ${describeHistoryError(read.error)}\n`,
    );
    return exitCodes.unreadable;
  }
  const { history } = read;
  const modelName = options.model ?? guessModel(history);
  const model: Model<unknown> = (modelName === 'kv' ? kvModel : registerModel) as Model<unknown>;
  const invalid = history.operations
    .map((op) => ({ op, why: model.validate(op) }))
    .find((item) => item.why !== undefined);
  if (invalid !== undefined) {
    const error = historyError(invalid.op.callLine, 'bad-field', `${invalid.why}`);
    deps.write(
      `kvraft-check: cannot read ${options.file} (${format}): ${describeHistoryError(error)}\n`,
    );
    return exitCodes.unreadable;
  }
  const result = check(history, model, {
    clock: { now: deps.now },
    budgetMs: options.budgetMs,
    partitionBudgetMs: options.partitionBudgetMs ?? options.budgetMs,
    stopAtFirstIllegal: !options.allPartitions,
    ...(deps.isTerminal ? { onProgress: progressLine(deps) } : {}),
  });
  const appends = modelName === 'kv' ? runAppendChecks(history, options.tokenPattern) : undefined;
  if (options.html !== undefined) {
    await writeFile(
      options.html,
      renderHtml(history, result, model, appends === undefined ? {} : { appends }),
    );
  }
  if (options.shrink !== undefined && result.verdict === 'illegal') {
    await writeShrunk(history, model, options.shrink, options.json ? undefined : deps);
  }
  const summary = {
    file: options.file,
    format,
    verdict: combinedVerdict(result, appends),
    linearizability: result,
    appends: appends ?? null,
  };
  deps.write(
    options.json
      ? `${JSON.stringify(summary)}\n`
      : describeResult(options.file, history, result, model, appends),
  );
  return exitCodes[
    summary.verdict === 'illegal' ? 'violation' : summary.verdict === 'unknown' ? 'undecided' : 'ok'
  ];
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
  deps: CheckCommandDeps | undefined,
): Promise<void> {
  const shrunk = shrink(history, model);
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
): string {
  const lines = [
    `${file}: ${result.verdict} (${result.operationCount} operations, ${result.partitions.length} partitions, ${result.elapsedMs.toFixed(1)} ms)`,
  ];
  for (const partition of result.partitions) {
    if (partition.verdict === 'ok') continue;
    lines.push(
      `  key ${JSON.stringify(partition.key)}: ${partition.verdict}${partition.reason === undefined ? '' : ` (${partition.reason})`}`,
    );
  }
  for (const explanation of explain(history, result, model).slice(0, 3)) {
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
