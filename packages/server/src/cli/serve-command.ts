// `kvraft serve` (and `kvraft-server`): runs one node until SIGTERM or SIGINT, then shuts down
// gracefully (stop serving, stop Raft, close the persister). A storage error (disk full, I/O
// error) stops it the same way, after one fatal log line, with exit code 75. Flags may also come
// from KVRAFT_* variables.
import { readFileSync } from 'node:fs';
import type { ReadMode } from '@kvraft/kv-service';
import type { Endpoint, TlsOptions, TransportLogger } from '@kvraft/transport';
import type { Command } from 'commander';
import type { PersisterName } from '../config/flag-parsers.ts';
import { redactConfig } from '../config/print-config.ts';
import { serveOptions } from '../config/serve-flags.ts';
import {
  fatalStorageLine,
  type StorageError,
  storageErrorExitCode,
  storageErrorOf,
  watchStorageErrors,
} from './fatal-storage-error.ts';

/** Parsed flags of `serve`. */
export interface ServeOptions {
  readonly id: number;
  readonly listen: Endpoint;
  readonly peers: Map<number, Endpoint>;
  readonly dataDir: string;
  readonly persister: PersisterName;
  readonly maxraftstate: number;
  readonly readMode: ReadMode;
  readonly cluster: string;
  readonly clusterSecret: string;
  readonly tickMs: number;
  readonly electionTimeoutMs: number;
  readonly heartbeatMs: number;
  readonly metricsListen?: Endpoint;
  readonly logLevel: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsCa?: string;
  /** Join a running cluster (see NodeOptions.join). */
  readonly join?: boolean;
}

/** What `serve` needs from its surroundings (tests pass their own). */
export interface ServeDeps {
  /** Resolves when the node should shut down (a signal, by default). */
  readonly shutdownSignal: Promise<string>;
  /** Where to log; default pino JSON on stdout at `--log-level` (its `fatal` is used if any). */
  readonly logger?: ServeLogger;
  /** Resolves with a storage error that escaped the running node (a failed save); default never. */
  readonly storageFailure?: Promise<StorageError>;
}

/** The logger `serve` writes to: the transport's, plus pino's `fatal` level when it has one. */
export type ServeLogger = TransportLogger & {
  fatal?(fields: Record<string, unknown>, message: string): void;
};

/** Adds the serve flags and action to `command` (`kvraft serve` and `kvraft-server` share it). */
export function addServeCommand(command: Command): Command {
  for (const option of serveOptions()) command.addOption(option);
  return command.action(serveUntilSignalled);
}

/**
 * Runs a node until SIGTERM, SIGINT, the parent that holds our IPC channel goes away, or a
 * storage error (then the exit code is `storageErrorExitCode`).
 */
export async function serveUntilSignalled(options: ServeOptions): Promise<void> {
  // Installed before the node starts and never removed: after the first failed save, every
  // queued save rejects with the same error, and each of those echoes must stay quiet too.
  const storage = watchStorageErrors();
  const shutdownSignal = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
    // A parent that started us with an IPC channel (a local cluster) owns our lifetime: when
    // it dies, the channel closes and we shut down instead of living on as an orphan.
    process.once('disconnect', () => resolve('parent exited'));
  });
  let exitCode: number;
  try {
    exitCode = await runServe(options, { shutdownSignal, storageFailure: storage.failed });
  } finally {
    // The IPC channel keeps the event loop alive: once the node has stopped (or refused to
    // start), let go of it, or the process lingers with nothing left to do, its parent waiting.
    if (process.connected) process.disconnect();
  }
  if (exitCode === 0) return;
  process.exitCode = exitCode;
  // The node has stopped; should a handle of the failed store still hold the loop open, the
  // exit code must still reach the operator's supervisor.
  setTimeout(() => process.exit(exitCode), fatalExitGraceMs).unref();
}

/** How long a node stopped by a storage error may take to exit on its own before it is made to. */
const fatalExitGraceMs = 5000;

/**
 * Runs a node until `deps.shutdownSignal` resolves or `deps.storageFailure` does; every line it
 * prints is JSON. Resolves with the exit code: 0, or `storageErrorExitCode` after a storage error
 * (at start or while serving), logged as one fatal line that says what to do.
 */
export async function runServe(options: ServeOptions, deps: ServeDeps): Promise<number> {
  // Loaded here, not at the top, so that registering `serve` (every kvraft command does) costs
  // no Raft, persister or logger modules.
  const [{ pino }, { startNode }, { testOnlyBugs }] = await Promise.all([
    import('pino'),
    import('../start-node.ts'),
    import('../test-only-bugs.ts'),
  ]);
  // Refused before anything starts: test-only bugs without their gate (test-only-bugs.ts).
  testOnlyBugs(process.env);
  const logger = deps.logger ?? pino({ level: options.logLevel, base: { node: options.id } });
  logger.info({ config: redactConfig(options) }, 'config');
  const fatal = (error: StorageError) => {
    const line = fatalStorageLine(error, options.dataDir);
    (logger.fatal ?? logger.error).call(logger, line.fields, line.message);
    return storageErrorExitCode;
  };
  const node = await startNode({
    id: options.id,
    cluster: options.cluster,
    clusterSecret: options.clusterSecret,
    peers: options.peers,
    listen: options.listen,
    dataDir: options.dataDir,
    persister: options.persister,
    maxraftstate: options.maxraftstate,
    readMode: options.readMode,
    tickMs: options.tickMs,
    electionTimeoutMs: options.electionTimeoutMs,
    heartbeatMs: options.heartbeatMs,
    join: options.join === true,
    logger,
    ...(options.metricsListen === undefined ? {} : { metricsListen: options.metricsListen }),
    ...tlsOf(options),
  }).catch((error: unknown) => {
    // A full or failing disk at start (the identity file, the store's first write) is the same
    // operating condition as one while serving; anything else is a refusal with its own message.
    const storage = storageErrorOf(error);
    if (storage === undefined) throw error;
    return storage;
  });
  if (!('stop' in node)) return fatal(node);
  logger.info({ listen: node.endpoint, metrics: node.metricsEndpoint }, 'node serving');
  // A node the cluster removed stops by itself (start-node.ts); serve then exits.
  const removed = node.removed.then(() => 'removed from the cluster');
  const failed = (deps.storageFailure ?? new Promise<never>(() => {})).then((error) => ({ error }));
  const reason = await Promise.race([deps.shutdownSignal, removed, failed]);
  if (typeof reason === 'string') {
    logger.info({ signal: reason }, 'shutting down');
    await node.stop();
    logger.info({}, 'stopped');
    return 0;
  }
  const exitCode = fatal(reason.error);
  // The store refuses every save now; stopping closes the peer links and the listener, so
  // peers see this node leave at once instead of waiting out an election timeout of silence.
  await node.stop().catch((error: unknown) => {
    logger.warn({ error: String(error) }, 'stop after the storage error failed');
  });
  logger.info({ exitCode }, 'stopped');
  return exitCode;
}

function tlsOf(options: ServeOptions): { tls?: TlsOptions } {
  if (options.tlsCert === undefined && options.tlsKey === undefined) return {};
  if (options.tlsCert === undefined || options.tlsKey === undefined) {
    throw new Error('--tls-cert and --tls-key go together');
  }
  const ca = options.tlsCa === undefined ? {} : { ca: readFileSync(options.tlsCa) };
  return {
    tls: {
      cert: readFileSync(options.tlsCert),
      key: readFileSync(options.tlsKey),
      verifyHostname: false,
      ...ca,
    },
  };
}
