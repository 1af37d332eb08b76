// The checker's verdict on a run's history: linearizability (kv model, per-key budget), the
// append checks, and on `illegal` a shrunk counterexample. The run's exit code follows from it:
// 0 valid, 1 violation, 2 undecided (3, harness error, is the command's).
import { check, checkAppends, type History, kvModel, shrink, toJsonl } from '@kvraft/checker';

/** The verdicts of one run, as results.json holds them. */
export interface RunVerdict {
  readonly linearizable: 'ok' | 'illegal' | 'unknown';
  readonly appends: 'ok' | 'illegal' | 'skipped';
  /** The run's overall verdict. */
  readonly verdict: 'valid' | 'violation' | 'undecided';
  /** Keys whose search was illegal or undecided, with the reason. */
  readonly keys: readonly { key: string; verdict: string; reason?: string }[];
  /** The first append violations, in words. */
  readonly appendViolations: readonly string[];
  /** The shrunk counterexample as JSON Lines, when a key is illegal. */
  readonly counterexample?: {
    readonly key: string;
    readonly operationsBefore: number;
    readonly jsonl: string;
  };
}

/** Options of the check. */
export interface VerdictOptions {
  /** Wall-clock budget of the linearizability search. */
  readonly budgetMs: number;
}

/** Append violations reported in results.json. */
const appendViolationsShownMax = 20;
/** Candidate checks the shrinker may spend. */
const shrinkChecksMax = 400;

/** Checks `history`; never throws on a bad verdict. */
export function judge(history: History, options: VerdictOptions): RunVerdict {
  const result = check(history, kvModel, {
    budgetMs: options.budgetMs,
    clock: { now: () => performance.now() },
  });
  const appends = checkAppends(history);
  const keys = result.partitions
    .filter((p) => p.verdict !== 'ok')
    .map((p) => ({
      key: p.key,
      verdict: p.verdict,
      ...(p.reason === undefined ? {} : { reason: String(p.reason) }),
    }));
  const violation = result.verdict === 'illegal' || appends.verdict === 'illegal';
  const verdict = violation ? 'violation' : result.verdict === 'unknown' ? 'undecided' : 'valid';
  const shrunk =
    result.verdict === 'illegal'
      ? shrink(history, kvModel, { checksMax: shrinkChecksMax })
      : undefined;
  return {
    linearizable: result.verdict,
    appends: appends.verdict,
    verdict,
    keys,
    appendViolations: appends.violations.slice(0, appendViolationsShownMax).map((v) => v.message),
    ...(shrunk === undefined
      ? {}
      : {
          counterexample: {
            key: shrunk.key,
            operationsBefore: shrunk.operationCountBefore,
            jsonl: toJsonl(shrunk.history),
          },
        }),
  };
}

/** The exit code of a verdict. */
export function exitCodeOf(verdict: RunVerdict['verdict']): 0 | 1 | 2 {
  return verdict === 'valid' ? 0 : verdict === 'violation' ? 1 : 2;
}
