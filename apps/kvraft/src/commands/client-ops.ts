// `kvraft get|put|append KEY [VALUE] --servers ...`: one clerk operation against a cluster. A
// failure exits non-zero and says whether the write may still have taken effect.

import type { Endpoint } from '@kvraft/transport';
import { type Command, Option } from 'commander';
import { integerIn, parseServers } from '../config/flag-parsers.ts';
import { describeConfig } from '../config/print-config.ts';
import { createTcpClerk } from '../node/tcp-clerk.ts';

/** Parsed flags of a client operation. */
export interface ClientOpOptions {
  readonly servers: Map<number, Endpoint>;
  readonly timeoutMs: number;
}

/** One client operation. */
export interface ClientOp {
  readonly kind: 'get' | 'put' | 'append';
  readonly key: string;
  readonly value?: string;
}

/** What a client operation prints to. */
export interface ClientOpDeps {
  readonly print: (line: string) => void;
  readonly printError: (line: string) => void;
}

const serversOption = () =>
  new Option('--servers <list>', 'id=host:port,... (or host:port,... numbered from 1)')
    .env('KVRAFT_SERVERS')
    .argParser(parseServers)
    .makeOptionMandatory();

const timeoutOption = () =>
  new Option('--timeout-ms <ms>', 'give up after this long')
    .argParser(integerIn(1, 600_000))
    .default(10_000);

/** Registers `get`, `put` and `append`. */
export function register(program: Command): void {
  const print = {
    print: (l: string) => console.log(l),
    printError: (l: string) => console.error(l),
  };
  const done = (ok: boolean) => {
    process.exitCode = ok ? 0 : 1;
  };
  program
    .command('get <key>')
    .description('read a key')
    .addOption(serversOption())
    .addOption(timeoutOption())
    .action(async (key: string, options: ClientOpOptions) =>
      done(await run({ kind: 'get', key }, options, print)),
    );
  for (const kind of ['put', 'append'] as const) {
    program
      .command(`${kind} <key> <value>`)
      .description(kind === 'put' ? 'write a key' : 'append to a key')
      .addOption(serversOption())
      .addOption(timeoutOption())
      .action(async (key: string, value: string, options: ClientOpOptions) =>
        done(await run({ kind, key, value }, options, print)),
      );
  }
}

/** Runs one operation; returns whether it succeeded. */
export async function run(
  op: ClientOp,
  options: ClientOpOptions,
  deps: ClientOpDeps,
): Promise<boolean> {
  deps.printError(describeConfig(op.kind, { ...op, ...options }));
  const { clerk, transport } = createTcpClerk(options.servers, {
    operationTimeoutMs: options.timeoutMs,
  });
  try {
    const result =
      op.kind === 'get'
        ? await clerk.get(op.key)
        : op.kind === 'put'
          ? await clerk.put(op.key, op.value ?? '')
          : await clerk.append(op.key, op.value ?? '');
    if (result.ok) {
      deps.print(op.kind === 'get' ? String(result.value) : 'OK');
      return true;
    }
    const outcome = result.indeterminate
      ? 'may or may not have taken effect'
      : 'did not take effect';
    deps.printError(
      `${op.kind} failed (${result.error}); it ${outcome}. Are the servers reachable?`,
    );
    return false;
  } finally {
    transport.close();
  }
}
