// The kvraft command line: builds the commander program from one module per command and runs
// it. Errors from bad flags exit with commander's message; other failures print one line.
import { Command } from 'commander';
import * as clientOps from './commands/client-ops.ts';
import * as cluster from './commands/cluster.ts';
import * as demo from './commands/demo.ts';
import * as serve from './commands/serve.ts';
import * as status from './commands/status.ts';

/** Builds the program with every command registered. */
export function buildProgram(): Command {
  const program = new Command('kvraft')
    .description('a fault-tolerant, linearizable key/value store on Raft')
    .showHelpAfterError();
  serve.register(program);
  clientOps.register(program);
  status.register(program);
  cluster.register(program);
  demo.register(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  console.error(`kvraft: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
