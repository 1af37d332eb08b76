// `kvraft member list|add-learner ID ADDR|promote ID|remove ID --servers ...`: the cluster's
// membership (thesis §4.3) from the command line. `list` shows every member's address, role and,
// from the leader, its match index (`--json` prints the leader's report as one object). A change
// goes to the leader (found through --servers, hints followed) and answers once its config entry
// is applied. Refusals say why and exit 1; no leader exits 2; an unknown outcome exits 3.
import type { MemberChange } from '@kvraft/kv-service';
import {
  type ClientTlsFlags,
  clientTlsOptions,
  describeConfig,
  integerIn,
  parseNodeId,
  readClientTls,
  serversOption,
} from '@kvraft/server/flags';
import { type Endpoint, type MembersReport, TcpClientTransport } from '@kvraft/transport';
import { type Command, Option } from 'commander';
import { callLeader, findLeader } from '../admin/leader-call.ts';
import { refusalExitCode, refusalText, unreachableExitCode } from '../admin/refusal-text.ts';

/** Parsed flags of every `member` subcommand. */
export interface MemberOptions extends ClientTlsFlags {
  readonly servers: Map<number, Endpoint>;
  readonly timeoutMs: number;
  readonly json?: boolean;
}

/** What `member` prints to. */
export interface MemberDeps {
  readonly print: (line: string) => void;
  readonly printError: (line: string) => void;
}

/** Registers `member` and its subcommands. */
export function register(program: Command): void {
  const member = program.command('member').description('list or change the cluster membership');
  const act =
    (run: (options: MemberOptions, deps: MemberDeps) => Promise<number>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      process.exitCode = await run(command.opts<MemberOptions>(), consoleDeps);
    };
  withFlags(member.command('list').description("every member, with the leader's match index"))
    .option('--json', "print the leader's member report as one JSON object")
    .action(act((options, deps) => runList(options, deps)));
  withFlags(
    member.command('add-learner <id> <address>').description('add a non-voting member'),
  ).action(async (id: string, address: string, _o: unknown, command: Command) => {
    const change: MemberChange = { kind: 'addLearner', id: parseNodeId(id), address };
    process.exitCode = await runChange(change, command.opts<MemberOptions>(), consoleDeps);
  });
  for (const kind of ['promote', 'remove'] as const) {
    const what = kind === 'promote' ? 'make a caught-up learner a voter' : 'remove a member';
    withFlags(member.command(`${kind} <id>`).description(what)).action(
      async (id: string, _o: unknown, command: Command) => {
        const change: MemberChange = { kind, id: parseNodeId(id) };
        process.exitCode = await runChange(change, command.opts<MemberOptions>(), consoleDeps);
      },
    );
  }
}

/** Adds --servers, --timeout-ms and the client TLS flags to an admin command. */
export function withFlags(command: Command): Command {
  command
    .addOption(serversOption())
    .addOption(
      new Option('--timeout-ms <ms>', 'per request').argParser(integerIn(1, 60_000)).default(5000),
    );
  for (const option of clientTlsOptions()) command.addOption(option);
  return command;
}

const consoleDeps: MemberDeps = {
  print: (line) => console.log(line),
  printError: (line) => console.error(line),
};

/** Prints the members as the leader (or, with none, any server) sees them; returns the exit code. */
export async function runList(options: MemberOptions, deps: MemberDeps): Promise<number> {
  (options.json === true ? deps.printError : deps.print)(describeConfig('member list', options));
  const transport = transportOf(options);
  try {
    const leader = await findLeader(transport, options.servers, options.timeoutMs);
    const order = [...options.servers.keys()].sort((a, b) =>
      a === leader ? -1 : b === leader ? 1 : 0,
    );
    for (const id of order) {
      const reply = await transport.admin(id, { kind: 'members' }, options.timeoutMs);
      if (reply === undefined) continue;
      if (options.json === true) deps.print(JSON.stringify(reply.members));
      else printMembers(reply.members, deps);
      return 0;
    }
    deps.printError('kvraft: no server answered');
    return unreachableExitCode;
  } finally {
    transport.close();
  }
}

/** Sends one membership change to the leader; prints the outcome; returns the exit code. */
export async function runChange(
  change: MemberChange,
  options: MemberOptions,
  deps: MemberDeps,
): Promise<number> {
  deps.print(describeConfig(`member ${change.kind}`, { ...change, ...options }));
  const transport = transportOf(options);
  try {
    const request = { kind: 'member-change' as const, change };
    const sent = await callLeader(transport, options.servers, request, options.timeoutMs);
    const outcome = sent.reply?.outcome;
    if (outcome === undefined) {
      deps.printError(`kvraft: member ${change.kind} ${change.id}: ${sent.problem}`);
      return unreachableExitCode;
    }
    if (!outcome.ok) {
      deps.printError(
        `kvraft: member ${change.kind} ${change.id} refused by node ${sent.server}: ${refusalText(outcome.error, outcome.message)}`,
      );
      return refusalExitCode(outcome.error);
    }
    deps.print(`member ${change.kind} ${change.id}: applied at index ${outcome.index}`);
    printMembers(outcome.members, deps);
    return 0;
  } finally {
    transport.close();
  }
}

function transportOf(options: MemberOptions): TcpClientTransport {
  const tls = readClientTls(options);
  return new TcpClientTransport({
    servers: options.servers,
    ...(tls === undefined ? {} : { tls }),
  });
}

/** Prints a member report as a table. */
export function printMembers(report: MembersReport, deps: MemberDeps): void {
  const leader = report.leaderId === null ? 'unknown' : String(report.leaderId);
  const joint = report.joint ? ' (joint)' : '';
  deps.print(
    `as node ${report.nodeId} sees it: leader ${leader}, config index ${report.configIndex}${joint}`,
  );
  deps.print('id    address                role     match');
  for (const m of report.members) {
    const match = m.matchIndex === null ? '-' : String(m.matchIndex);
    deps.print(
      `${String(m.id).padEnd(5)} ${(m.address || '?').padEnd(22)} ${m.role.padEnd(8)} ${match}`,
    );
  }
}
