// `kvraft-nemesis check DIR` re-checks a run's history.jsonl (results.json's verdict is updated)
// and `kvraft-nemesis report DIR` rebuilds its report.html; both print the summary line and exit
// with the verdict's code.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { renderReport } from '../report/render-report.ts';
import { readHistory, readResults, writeResults } from '../results/run-dir.ts';
import { exitCodeOf, judge } from '../results/verdict.ts';
import { type ExecuteDeps, summaryLine } from './execute-run.ts';
import { checkBudgetMsDefault, harnessError } from './run.ts';
import { UsageError } from './run-options.ts';

/** Registers `check` and `report`. */
export function register(program: Command, deps: ExecuteDeps): void {
  program
    .command('check <dir>')
    .description("re-check a run's history")
    .action(async (dir: string) => {
      process.exitCode = checkCommand(dir, deps);
    });
  program
    .command('report <dir>')
    .description("rebuild a run's report.html")
    .action(async (dir: string) => {
      process.exitCode = reportCommand(dir, deps);
    });
}

/** Re-checks DIR; returns the exit code. */
export function checkCommand(dir: string, deps: ExecuteDeps): number {
  try {
    requireRun(dir);
    const history = readHistory(dir);
    const verdict = judge(history, { budgetMs: checkBudgetMsDefault });
    const results = { ...readResults(dir), verdict };
    writeResults(dir, results);
    deps.print(summaryLine(results, dir));
    return exitCodeOf(verdict.verdict);
  } catch (error) {
    return harnessError(error, deps);
  }
}

/** Rebuilds DIR/report.html; returns the verdict's exit code. */
export function reportCommand(dir: string, deps: ExecuteDeps): number {
  try {
    requireRun(dir);
    const results = readResults(dir);
    writeFileSync(join(dir, 'report.html'), renderReport(readHistory(dir), results));
    deps.print(summaryLine(results, dir));
    return exitCodeOf(results.verdict.verdict);
  } catch (error) {
    return harnessError(error, deps);
  }
}

function requireRun(dir: string): void {
  for (const file of ['history.jsonl', 'results.json']) {
    if (!existsSync(join(dir, file))) throw new UsageError(`${dir} holds no ${file}`);
  }
}
