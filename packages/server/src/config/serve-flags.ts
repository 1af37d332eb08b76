// The flags of `kvraft serve` and `kvraft-server`, apart from the node they start: a command
// line can register `serve` and print its help without loading Raft, a persister or pino.
import { Option } from 'commander';
import {
  integerIn,
  parseEndpointFlag,
  parseNodeId,
  parseNodeMap,
  parsePersister,
} from './flag-parsers.ts';

/** Every option of `serve`, each also read from a `KVRAFT_*` variable. */
export function serveOptions(): Option[] {
  return [...nodeOptions(), ...clusterOptions()];
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
    new Option(
      '--join',
      'join a running cluster: no configuration until the leader adds this node',
    ).env('KVRAFT_JOIN'),
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
    new Option('--election-timeout-ms <ms>', 'base election timeout (random in [ms, 2 × ms))')
      .env('KVRAFT_ELECTION_TIMEOUT_MS')
      .argParser(integerIn(2, 60_000))
      .default(300),
    new Option('--heartbeat-ms <ms>', 'milliseconds between leader heartbeats')
      .env('KVRAFT_HEARTBEAT_MS')
      .argParser(integerIn(1, 30_000))
      .default(100),
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
