// `kvraft status --servers ...`: one line per node with its role, term, leader, commit and
// applied index, Raft state bytes and snapshot bytes; unreachable nodes say so.

import {
  type Endpoint,
  formatEndpoint,
  type NodeStatusReport,
  TcpClientTransport,
} from '@kvraft/transport';
import { type Command, Option } from 'commander';
import { integerIn, parseServers } from '../config/flag-parsers.ts';
import { describeConfig } from '../config/print-config.ts';

/** Parsed flags of `status`. */
export interface StatusOptions {
  readonly servers: Map<number, Endpoint>;
  readonly timeoutMs: number;
}

/** Registers `status`. */
export function register(program: Command): void {
  program
    .command('status')
    .description("print every node's Raft status")
    .addOption(
      new Option('--servers <list>', 'id=host:port,...')
        .env('KVRAFT_SERVERS')
        .argParser(parseServers)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--timeout-ms <ms>', 'per node').argParser(integerIn(1, 60_000)).default(2000),
    )
    .action(async (options: StatusOptions) => {
      const reports = await run(options, { print: (l) => console.log(l) });
      process.exitCode = reports.some((r) => r !== undefined) ? 0 : 1;
    });
}

/** Queries every node; prints and returns each report (undefined when unreachable). */
export async function run(
  options: StatusOptions,
  deps: { print: (line: string) => void },
): Promise<(NodeStatusReport | undefined)[]> {
  deps.print(describeConfig('status', options));
  const transport = new TcpClientTransport({ servers: options.servers });
  try {
    const ids = [...options.servers.keys()];
    const replies = await Promise.all(
      ids.map((id) => transport.admin(id, { kind: 'status' }, options.timeoutMs)),
    );
    deps.print(
      'node  endpoint               role       term  leader  commit  applied  raft-bytes  snap-bytes',
    );
    return replies.map((reply, i) => {
      const id = ids[i]!;
      const where = formatEndpoint(options.servers.get(id)!).padEnd(21);
      const s = reply?.status;
      if (s === undefined) deps.print(`${String(id).padEnd(5)} ${where}  unreachable`);
      else {
        const cells = [
          s.role.padEnd(9),
          String(s.term).padStart(5),
          String(s.leaderId ?? '-').padStart(7),
        ];
        cells.push(String(s.commitIndex).padStart(7), String(s.appliedIndex).padStart(8));
        cells.push(String(s.raftStateBytes).padStart(11), String(s.snapshotBytes).padStart(11));
        deps.print(`${String(id).padEnd(5)} ${where}  ${cells.join(' ')}`);
      }
      return s;
    });
  } finally {
    transport.close();
  }
}
