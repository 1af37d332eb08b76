// `kvraft serve`: runs one node until SIGTERM or SIGINT, then shuts down gracefully (stop
// serving, stop Raft, close the persister). Flags may also come from KVRAFT_* variables.
import { readFileSync } from 'node:fs';
import type { ReadMode } from '@kvraft/kv-service';
import type { Endpoint, TlsOptions } from '@kvraft/transport';
import { type Command, Option } from 'commander';
import { pino } from 'pino';
import {
  integerIn,
  type PersisterName,
  parseEndpointFlag,
  parseNodeId,
  parseNodeMap,
  parsePersister,
} from '../config/flag-parsers.ts';
import { describeConfig } from '../config/print-config.ts';
import { type KvNodeConfig, startKvNode } from '../node/kv-node.ts';

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
  readonly metricsListen?: Endpoint;
  readonly logLevel: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsCa?: string;
}

/** What `serve` needs from its surroundings (tests pass their own). */
export interface ServeDeps {
  readonly print: (line: string) => void;
  /** Resolves when the node should shut down (a signal, by default). */
  readonly shutdownSignal: Promise<string>;
}

/** Registers `serve` on the program. */
export function register(program: Command): void {
  const command = program.command('serve').description('run one kvraft node');
  for (const option of [...nodeOptions(), ...clusterOptions()]) command.addOption(option);
  command.action(async (options: ServeOptions) => {
    const shutdownSignal = new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    await run(options, { print: (line) => console.log(line), shutdownSignal });
  });
}

/** Flags that say which node this is and how it stores its state. */
function nodeOptions(): Option[] {
  return [
    new Option('--id <id>', 'this node id')
      .env('KVRAFT_ID')
      .argParser(parseNodeId)
      .makeOptionMandatory(),
    new Option('--listen <host:port>', 'peer and client port')
      .env('KVRAFT_LISTEN')
      .argParser(parseEndpointFlag)
      .makeOptionMandatory(),
    new Option('--peers <id=host:port,...>', 'every node, this one included')
      .env('KVRAFT_PEERS')
      .argParser(parseNodeMap)
      .makeOptionMandatory(),
    new Option('--data-dir <dir>', 'where the node keeps its state')
      .env('KVRAFT_DATA_DIR')
      .makeOptionMandatory(),
    new Option('--persister <name>', 'sqlite | level | memory')
      .env('KVRAFT_PERSISTER')
      .argParser(parsePersister)
      .default('sqlite'),
    new Option('--maxraftstate <bytes>', 'snapshot above this Raft state size; -1 never')
      .env('KVRAFT_MAXRAFTSTATE')
      .argParser(integerIn(-1, 2 ** 40))
      .default(1 << 20),
    new Option('--read-mode <mode>', 'readindex | log')
      .env('KVRAFT_READ_MODE')
      .choices(['readindex', 'log'])
      .default('readindex'),
  ];
}

/** Flags shared with the rest of the cluster, plus observability and TLS. */
function clusterOptions(): Option[] {
  return [
    new Option('--cluster <name>', 'cluster name').env('KVRAFT_CLUSTER').default('kvraft'),
    new Option('--cluster-secret <secret>', 'shared secret of peer links')
      .env('KVRAFT_CLUSTER_SECRET')
      .makeOptionMandatory(),
    new Option('--tick-ms <ms>', 'milliseconds per Raft tick')
      .env('KVRAFT_TICK_MS')
      .argParser(integerIn(1, 1000))
      .default(10),
    new Option('--metrics-listen <host:port>', 'serve Prometheus /metrics here')
      .env('KVRAFT_METRICS_LISTEN')
      .argParser(parseEndpointFlag),
    new Option('--log-level <level>', 'pino log level')
      .env('KVRAFT_LOG_LEVEL')
      .choices(['debug', 'info', 'warn', 'error'])
      .default('info'),
    new Option('--tls-cert <file>', 'PEM certificate (enables TLS)').env('KVRAFT_TLS_CERT'),
    new Option('--tls-key <file>', 'PEM private key').env('KVRAFT_TLS_KEY'),
    new Option('--tls-ca <file>', 'PEM CA certificate').env('KVRAFT_TLS_CA'),
  ];
}

/** Runs a node until `deps.shutdownSignal` resolves. */
export async function run(options: ServeOptions, deps: ServeDeps): Promise<void> {
  if (!options.peers.has(options.id)) {
    throw new Error(`--peers must include this node's id ${options.id}`);
  }
  deps.print(describeConfig('serve', options));
  const logger = pino({ level: options.logLevel, base: { node: options.id } });
  const config: KvNodeConfig = {
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
    ...(options.metricsListen === undefined ? {} : { metricsListen: options.metricsListen }),
    ...tlsOf(options),
  };
  const node = await startKvNode(config, logger);
  logger.info({ listen: node.endpoint, metrics: node.metricsEndpoint }, 'node serving');
  const signal = await deps.shutdownSignal;
  logger.info({ signal }, 'shutting down');
  await node.stop();
  logger.info({}, 'stopped');
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
