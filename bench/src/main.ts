// The `npm run bench -w @kvraft/bench -- <name>` entry: dispatches on the benchmark name.
import { runPersisterBench } from './persisters.ts';

const benches: Record<string, () => Promise<void>> = { persisters: runPersisterBench };
const name = process.argv[2] ?? '';
const bench = benches[name];
if (bench === undefined) {
  console.error(`usage: npm run bench -w @kvraft/bench -- <${Object.keys(benches).join('|')}>`);
  process.exitCode = 2;
} else {
  await bench();
}
