#!/usr/bin/env node
// kvraft-nemesis: fault injection against a real kvraft cluster (or the simulator) from one
// schedule format, the history checked. Exit codes for cron and CI: 0 valid, 1 violation,
// 2 undecided, 3 harness or usage error; every command ends with one summary line.
import { Command, CommanderError } from 'commander';
import { register as registerCheck } from './commands/check.ts';
import { register as registerReplay } from './commands/replay.ts';
import { register as registerRun } from './commands/run.ts';

const deps = { print: (line: string) => console.log(line), tty: process.stdout.isTTY === true };
const program = new Command('kvraft-nemesis')
  .description('fault injection against a kvraft cluster, with the history checked')
  .exitOverride();
registerRun(program, deps);
registerReplay(program, deps);
registerCheck(program, deps);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version are successes; every other parse failure is a usage error (exit 3).
    const ok = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
    if (!ok) console.log(`nemesis ERROR (usage error): ${error.message.replace(/^error: /, '')}`);
    process.exitCode = ok ? 0 : 3;
  } else {
    console.log(`nemesis ERROR (usage error): ${(error as Error).message}`);
    process.exitCode = 3;
  }
}
