// `npm run sim:demo [-- --seed S]`: runs the demo story on a simulated 5-node cluster and prints its
// transcript and summary. Deterministic from --seed; only printing and wall time live here.
import { runDemo } from '../index.ts';

function parseSeed(argv: readonly string[]): number {
  const at = argv.indexOf('--seed');
  if (at === -1) return 1;
  const seed = Number(argv[at + 1]);
  if (!Number.isSafeInteger(seed)) throw new Error('--seed needs an integer');
  return seed;
}

const seed = parseSeed(process.argv.slice(2));
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
