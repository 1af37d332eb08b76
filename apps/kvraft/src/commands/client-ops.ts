// `kvraft get|put|append KEY [VALUE] --servers ...`: one clerk operation against a cluster. The
// key and value are checked against the server's limits before anything is sent; a refusal
// shows the server's reason; a failure says whether the write may still have taken effect.
// `get` tells a missing key (exit 2) from an empty value, while the store reads both as "".
import type { ClerkResult } from '@kvraft/clerk';
import { protocolLimitsDefault, validateRequest } from '@kvraft/kv-service';
import {
  type ClientTlsFlags,
  clientTlsOptions,
  describeConfig,
  integerIn,
  readClientTls,
  serversOption,
} from '@kvraft/server/flags';
import type { Endpoint } from '@kvraft/transport';
import { type Command, Option } from 'commander';
import { readValue, ValueError } from '../client/read-value.ts';

/** Exit code of `get` when the key does not exist (0 found, 1 failed). */
export const keyMissingExitCode = 2;

/** Parsed flags of a client operation. */
export interface ClientOpOptions extends ClientTlsFlags {
  readonly servers: Map<number, Endpoint>;
  readonly timeoutMs: number;
  readonly json?: boolean;
  readonly valueFile?: string;
}

/** One client operation; a write's value is already read from its source. */
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

/** How an operation ended. */
export type ClientOpOutcome = 'ok' | 'missing' | 'failed';

const timeoutOption = () =>
  new Option('--timeout-ms <ms>', 'give up after this long')
    .argParser(integerIn(1, 600_000))
    .default(10_000);

const exitCodeOf: Record<ClientOpOutcome, number> = {
  ok: 0,
  missing: keyMissingExitCode,
  failed: 1,
};

/** Registers `get`, `put` and `append`. */
export function register(program: Command): void {
  const deps = {
    print: (l: string) => console.log(l),
    printError: (l: string) => console.error(l),
  };
  const done = (outcome: ClientOpOutcome) => {
    process.exitCode = exitCodeOf[outcome];
  };
  const get = program
    .command('get <key>')
    .description(`read a key (exit ${keyMissingExitCode} when it does not exist)`)
    .option('--json', 'print {"key","found","value"} as JSON');
  for (const option of [serversOption(), timeoutOption(), ...clientTlsOptions()]) {
    get.addOption(option);
  }
  get.action(async (key: string, options: ClientOpOptions) =>
    done(await run({ kind: 'get', key }, options, deps)),
  );
  for (const kind of ['put', 'append'] as const) {
    const write = program
      .command(`${kind} <key> [value]`)
      .description(`${kind === 'put' ? 'write' : 'append to'} a key; value - reads stdin`)
      .option('--value-file <file>', 'read the value from a file (- for stdin)');
    for (const option of [serversOption(), timeoutOption(), ...clientTlsOptions()]) {
      write.addOption(option);
    }
    write.action(async (key: string, value: string | undefined, options: ClientOpOptions) => {
      const source = value === undefined ? {} : { value };
      const read = await readWriteValue(kind, key, { ...source, ...options }, deps);
      done(read === undefined ? 'failed' : await run({ kind, key, value: read }, options, deps));
    });
  }
}

// Reads the value of a write; prints why and returns undefined when it cannot be sent.
async function readWriteValue(
  kind: 'put' | 'append',
  key: string,
  source: { value?: string; valueFile?: string },
  deps: ClientOpDeps,
): Promise<string | undefined> {
  try {
    return await readValue(source, protocolLimitsDefault.valueBytesMax);
  } catch (error) {
    if (!(error instanceof ValueError) && !isFileError(error)) throw error;
    deps.printError(`kvraft ${kind} ${JSON.stringify(key)}: ${(error as Error).message}`);
    return undefined;
  }
}

/** Runs one operation and prints its result; never prints a value into the config line. */
export async function run(
  op: ClientOp,
  options: ClientOpOptions,
  deps: ClientOpDeps,
): Promise<ClientOpOutcome> {
  const { value, ...shown } = op;
  const valueBytes = value === undefined ? {} : { valueBytes: Buffer.byteLength(value) };
  deps.printError(describeConfig(op.kind, { ...shown, ...valueBytes, ...options }));
  // The server's own validation and limits, so a refusal comes at once, not after a timeout.
  const request = { ...op, clientId: 1, seq: 1 };
  const problem = validateRequest(request, protocolLimitsDefault);
  if (problem !== undefined) {
    deps.printError(`${op.kind} refused before sending: ${problem}`);
    return 'failed';
  }
  const { createCliClerk } = await import('../client/cli-clerk.ts');
  const tls = readClientTls(options);
  const { clerk, found, close } = createCliClerk({
    servers: options.servers,
    operationTimeoutMs: options.timeoutMs,
    ...(tls === undefined ? {} : { tls }),
  });
  try {
    if (op.kind === 'get') {
      const result = await clerk.get(op.key);
      return result.ok
        ? printGet(op.key, result.value, found.lastFound, options, deps)
        : failed(op, result, deps);
    }
    const result =
      op.kind === 'put'
        ? await clerk.put(op.key, value ?? '')
        : await clerk.append(op.key, value ?? '');
    if (!result.ok) return failed(op, result, deps);
    deps.print('OK');
    return 'ok';
  } finally {
    close();
  }
}

// A server that does not say whether the key exists is taken at its word that it does.
function printGet(
  key: string,
  value: string,
  foundBit: boolean | undefined,
  options: ClientOpOptions,
  deps: ClientOpDeps,
): ClientOpOutcome {
  const found = foundBit ?? true;
  if (options.json === true) deps.print(JSON.stringify({ key, found, value }));
  else if (found) deps.print(value);
  else deps.printError(`kvraft get: key ${JSON.stringify(key)} does not exist (it reads as "")`);
  return found ? 'ok' : 'missing';
}

function failed(op: ClientOp, result: ClerkResult<unknown>, deps: ClientOpDeps): ClientOpOutcome {
  if (result.ok) return 'ok';
  if (result.error === 'BadRequest' && !result.indeterminate) {
    const reason = result.message ?? 'no reason given';
    deps.printError(`${op.kind} refused by the server: ${reason}; it did not take effect`);
    return 'failed';
  }
  const outcome = result.indeterminate ? 'may or may not have taken effect' : 'did not take effect';
  const hint = result.error === 'Deadline' ? ' Are the servers reachable?' : '';
  deps.printError(`${op.kind} failed (${result.error}); it ${outcome}.${hint}`);
  return 'failed';
}

function isFileError(error: unknown): boolean {
  return error instanceof Error && 'code' in error && 'path' in error;
}
