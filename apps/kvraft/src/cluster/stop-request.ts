// One promise for "stop now" in a long-running command (`cluster up`, `demo`): SIGINT, SIGTERM,
// SIGHUP, or stdout closing under us (`cluster up | head`). Installing the handlers replaces
// Node's default of dying at once, so the command gets to stop its nodes and remove its files;
// the nodes would stop anyway when we die (their IPC channel closes), but not the cleanup.

/** Why a command was asked to stop. */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'stdout closed';

/** The exit code of a command stopped by `reason` (128 + the signal number, as shells do). */
export function exitCodeOf(reason: StopReason): number {
  const signalNumbers = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15, 'stdout closed': 13 } as const;
  return 128 + signalNumbers[reason];
}

/** A stop request and a print that stays quiet once stdout is gone. */
export interface StopRequest {
  /** Resolves with the first reason to stop. */
  readonly requested: Promise<StopReason>;
  /** Prints one line to stdout, unless stdout has closed. */
  readonly print: (line: string) => void;
  /** Removes the handlers (the command is done). */
  readonly dispose: () => void;
}

/** Starts listening for a stop request. */
export function listenForStop(): StopRequest {
  let stdoutClosed = false;
  let resolveRequested: (reason: StopReason) => void = () => {};
  const requested = new Promise<StopReason>((resolve) => {
    resolveRequested = resolve;
  });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const handlers = signals.map((signal) => {
    const handler = () => resolveRequested(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    // NB: EPIPE is how a closed pipe shows; any other stdout error leaves us as unable to talk.
    stdoutClosed = true;
    if (error.code !== undefined) resolveRequested('stdout closed');
  };
  process.stdout.on('error', onStdoutError);
  return {
    requested,
    print: (line) => {
      if (!stdoutClosed) process.stdout.write(`${line}\n`);
    },
    dispose: () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      process.stdout.off('error', onStdoutError);
    },
  };
}
