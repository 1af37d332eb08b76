#!/usr/bin/env node
// `kvraft-server`: one kvraft node as a process, with exactly the flags of `kvraft serve`. Local
// process clusters start their nodes through this entry, so a node starts without the rest of
// the CLI.
import { Command } from 'commander';
import { addServeCommand } from './serve-command.ts';

const program = addServeCommand(
  new Command('kvraft-server').description('run one kvraft node').showHelpAfterError(),
);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`kvraft-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
