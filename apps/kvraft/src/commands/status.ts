// `kvraft status --servers ...`: one line per node with its role, term, leader, commit and
// applied index, Raft state bytes and snapshot bytes; unreachable nodes say so. `--json` prints
// one JSON array instead (the config line then goes to stderr, so stdout parses as a whole).
import {
  type ClientTlsFlags,
  clientTlsOptions,
  describeConfig,
  integerIn,
  readClientTls,
  serversOption,
} from '@kvraft/server/flags';
import {
  type Endpoint,
  formatEndpoint,
  type NodeStatusReport,
  TcpClientTransport,
} from '@kvraft/transport';
import { type Command, Option } from 'commander';

/** Parsed flags of `status`. */
export interface StatusOptions extends ClientTlsFlags {
  readonly servers: Map<number, Endpoint>;
  readonly timeoutMs: number;
  readonly json?: boolean;
}

/** What `status` prints to. */
export interface StatusDeps {
  readonly print: (line: string) => void;
  readonly printError: (line: string) => void;
}

/** Registers `status`. */
export function register(program: Command): void {
  const command = program
    .command('status')
    .description("print every node's Raft status")
    .addOption(serversOption())
    .addOption(
      new Option('--timeout-ms <ms>', 'per node').argParser(integerIn(1, 60_000)).default(2000),
    )
    .option('--json', 'print a JSON array, one object per node');
  for (const option of clientTlsOptions()) command.addOption(option);
  command.action(async (options: StatusOptions) => {
    const deps = {
      print: (l: string) => console.log(l),
      printError: (l: string) => console.error(l),
    };
    const reports = await run(options, deps);
    process.exitCode = reports.some((r) => r !== undefined) ? 0 : 1;
  });
}

/** Queries every node; prints and returns each report (undefined when unreachable). */
export async function run(
  options: StatusOptions,
  deps: StatusDeps,
): Promise<(NodeStatusReport | undefined)[]> {
  (options.json === true ? deps.printError : deps.print)(describeConfig('status', options));
  const tls = readClientTls(options);
  const transport = new TcpClientTransport({
    servers: options.servers,
    ...(tls === undefined ? {} : { tls }),
  });
  try {
    const ids = [...options.servers.keys()];
    const replies = await Promise.all(
      ids.map((id) => transport.admin(id, { kind: 'status' }, options.timeoutMs)),
    );
    const reports = replies.map((reply) => reply?.status);
    if (options.json === true) {
      deps.print(JSON.stringify(ids.map((id, i) => jsonOf(id, options.servers, reports[i]))));
      return reports;
    }
    printTable(ids, options.servers, reports, deps);
    return reports;
  } finally {
    transport.close();
  }
}

// One node as JSON: where it is, whether it answered, and its status fields when it did.
function jsonOf(
  id: number,
  servers: ReadonlyMap<number, Endpoint>,
  status: NodeStatusReport | undefined,
): object {
  const endpoint = formatEndpoint(servers.get(id)!);
  return status === undefined
    ? { id, endpoint, reachable: false }
    : { id, endpoint, reachable: true, ...status };
}

function printTable(
  ids: readonly number[],
  servers: ReadonlyMap<number, Endpoint>,
  reports: readonly (NodeStatusReport | undefined)[],
  deps: StatusDeps,
): void {
  deps.print(
    'node  endpoint               role       term  leader  commit  applied  raft-bytes  snap-bytes',
  );
  reports.forEach((s, i) => {
    const id = ids[i]!;
    const where = formatEndpoint(servers.get(id)!).padEnd(21);
    if (s === undefined) deps.print(`${String(id).padEnd(5)} ${where}  unreachable`);
    else {
      const cells = [
        (s.recovering === true ? 'recovering' : s.role).padEnd(9),
        String(s.term).padStart(5),
        String(s.leaderId ?? '-').padStart(7),
      ];
      cells.push(String(s.commitIndex).padStart(7), String(s.appliedIndex).padStart(8));
      cells.push(String(s.raftStateBytes).padStart(11), String(s.snapshotBytes).padStart(11));
      deps.print(`${String(id).padEnd(5)} ${where}  ${cells.join(' ')}`);
    }
  });
}
