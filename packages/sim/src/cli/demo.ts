// `npm run sim:demo [-- --seed S]`: runs the demo story on a simulated 5-node cluster and prints its
// transcript and summary. Deterministic from --seed; only printing and wall time live here.
import { Command, Option } from 'commander';
import { runDemo } from '../index.ts';
import { integerIn, seedMax } from './integer-flag.ts';

const { seed } = new Command('sim:demo')
  .description('the demo story on a simulated 5-node cluster: a transcript and a summary')
  .addOption(
    new Option('--seed <s>', 'which run to tell').argParser(integerIn(0, seedMax)).default(1),
  )
  .showHelpAfterError()
  .parse(process.argv)
  .opts<{ seed: number }>();
console.log(`kvraft demo: 5 Raft nodes on a simulated network, seed ${seed}\n`);
const wallStart = performance.now();
const summary = await runDemo(seed, (line) => console.log(line));
const wallMs = Math.round(performance.now() - wallStart);
console.log('\nsummary');
console.log(`  virtual time    ${(summary.timeMs / 1000).toFixed(1)} s (wall ${wallMs} ms)`);
console.log(`  highest term    ${summary.maxTerm}`);
console.log(
  `  leaders         ${summary.leaders.map((l) => `term ${l.term}: n${l.leader}`).join(', ')}`,
);
console.log(`  committed       ${summary.committedIndex} entries (no-ops included)`);
console.log(
  `  messages        ${summary.sentCount} sent, ${summary.deliveredCount} delivered, ${summary.droppedCount} dropped`,
);
console.log(`  snapshots sent  ${summary.installSnapshotCount} InstallSnapshot delivered`);
console.log(`\nreplay: npm run sim:demo -- --seed ${seed}`);
