#!/usr/bin/env node
// The kvraft command line: builds the commander program from one module per command and runs
// it. Registering a command costs only its flags: each command loads its heavy modules (the
// node, the process cluster, the checker) when it runs, so `kvraft get` starts fast. Errors
// from bad flags exit with commander's message; other failures print one line.
import { readFileSync } from 'node:fs';
import { serveOptions } from '@kvraft/server/flags';
import { Command } from 'commander';
import * as clientOps from './commands/client-ops.ts';
import * as cluster from './commands/cluster.ts';
import * as demo from './commands/demo.ts';
import * as member from './commands/member.ts';
import * as status from './commands/status.ts';
import * as transferLeader from './commands/transfer-leader.ts';

/** This CLI's version, from its package.json (one level above both src/ and dist/). */
export const cliVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** Builds the program with every command registered. */
export function buildProgram(): Command {
  const program = new Command('kvraft')
    .description('a fault-tolerant, linearizable key/value store on Raft')
    .version(cliVersion, '--version', 'print the version')
    .showHelpAfterError();
  const serve = program.command('serve').description('run one kvraft node');
  for (const option of serveOptions()) serve.addOption(option);
  serve.action(async (options) => (await import('@kvraft/server')).serveUntilSignalled(options));
  clientOps.register(program);
  status.register(program);
  cluster.register(program);
  demo.register(program);
  member.register(program);
  transferLeader.register(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  console.error(`kvraft: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
