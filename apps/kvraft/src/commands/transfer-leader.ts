// `kvraft transfer-leader ID --servers ...`: hands leadership to voter ID (thesis §3.10). The
// request goes to the current leader (found through --servers, hints followed), which brings the
// target up to date and sends it TimeoutNow; the command answers once the target leads. Refusals
// say why and exit 1; no leader exits 2; no takeover in time exits 3.
import { describeConfig, parseNodeId, readClientTls } from '@kvraft/server/flags';
import { TcpClientTransport } from '@kvraft/transport';
import type { Command } from 'commander';
import { callLeader } from '../admin/leader-call.ts';
import { refusalExitCode, refusalText, unreachableExitCode } from '../admin/refusal-text.ts';
import { type MemberDeps, type MemberOptions, withFlags } from './member.ts';

/** How much longer than --timeout-ms the transfer request itself may take, in ms. */
export const transferAnswerExtraMs = 6000;

/** Registers `transfer-leader`. */
export function register(program: Command): void {
  withFlags(
    program.command('transfer-leader <id>').description('hand leadership to a voter'),
  ).action(async (id: string, _o: unknown, command: Command) => {
    const deps = {
      print: (l: string) => console.log(l),
      printError: (l: string) => console.error(l),
    };
    process.exitCode = await run(parseNodeId(id), command.opts<MemberOptions>(), deps);
  });
}

/** Moves leadership to `target`; prints the outcome; returns the exit code. */
export async function run(
  target: number,
  options: MemberOptions,
  deps: MemberDeps,
): Promise<number> {
  deps.print(describeConfig('transfer-leader', { target, ...options }));
  const tls = readClientTls(options);
  const transport = new TcpClientTransport({
    servers: options.servers,
    ...(tls === undefined ? {} : { tls }),
  });
  try {
    const request = { kind: 'transfer-leader' as const, id: target };
    // The leader answers once the target leads, or after its own wait (5 s) runs out.
    const waitMs = options.timeoutMs + transferAnswerExtraMs;
    const sent = await callLeader(transport, options.servers, request, options.timeoutMs, waitMs);
    const outcome = sent.reply?.outcome;
    if (outcome === undefined) {
      deps.printError(`kvraft: transfer-leader ${target}: ${sent.problem}`);
      return unreachableExitCode;
    }
    if (!outcome.ok) {
      deps.printError(
        `kvraft: transfer-leader ${target} refused by node ${sent.server}: ${refusalText(outcome.error, outcome.message)}`,
      );
      return refusalExitCode(outcome.error);
    }
    deps.print(`transfer-leader: node ${outcome.leaderId} leads (was node ${sent.server})`);
    return 0;
  } finally {
    transport.close();
  }
}
