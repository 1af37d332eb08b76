// The nightly fault-injection job (`npm run nemesis:nightly`, for cron, not CI): a long
// kvraft-nemesis run of every fault family on each durable persister, one after the other, each
// into its own dir under NEMESIS_NIGHTLY_DIR (default ./nemesis-nightly/<UTC date>). Exits with
// the worst run's code (3 harness error > 1 violation > 2 undecided > 0 valid).
// Environment: NEMESIS_NIGHTLY_DURATION (default 30m), NEMESIS_NIGHTLY_PERSISTERS (sqlite,level),
// NEMESIS_NIGHTLY_SEED (default: the date, so a night's runs are replayable by seed).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const day = new Date().toISOString().slice(0, 10);
const root = process.env.NEMESIS_NIGHTLY_DIR ?? join('nemesis-nightly', day);
const duration = process.env.NEMESIS_NIGHTLY_DURATION ?? '30m';
const persisters = (process.env.NEMESIS_NIGHTLY_PERSISTERS ?? 'sqlite,level').split(',');
const seed = process.env.NEMESIS_NIGHTLY_SEED ?? day.replaceAll('-', '');
const faults = 'kill,pause,partition,link,disk,restart,transfer,flood';
const bin = join(import.meta.dirname, '..', 'apps', 'nemesis', 'dist', 'main.js');
const severity = { 0: 0, 2: 1, 1: 2, 3: 3 };

const build = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.log(`nemesis nightly ERROR: the build failed (exit ${build.status})`);
  process.exit(3);
}
let worst = 0;
for (const persister of persisters) {
  const args = [bin, 'run', '--persister', persister, '--duration', duration, '--faults', faults];
  args.push(
    '--workload',
    'mixed',
    '--clients',
    '4',
    '--seed',
    seed,
    '--out',
    join(root, persister),
  );
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  const code = run.status ?? 3;
  if ((severity[code] ?? 3) > (severity[worst] ?? 0)) worst = code;
}
console.log(`nemesis nightly: ${persisters.join(', ')} done in ${root}; exit ${worst}`);
process.exit(worst);
