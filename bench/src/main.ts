// The `npm run bench -w @kvraft/bench -- <name>` entry: one commander command per benchmark, so
// --help lists them and an unknown name or flag exits non-zero. Each benchmark's modules load
// only when it runs (the flag parsers excepted: commander needs them to read the flags).
import { Command, Option } from 'commander';
import {
  parseByteSizes,
  parseCount,
  parseCounts,
  parseDurationMs,
  parseNames,
} from './cluster-flags.ts';
import { benchPersisters, workloadNames } from './cluster-target.ts';

const program = new Command('bench')
  .description('kvraft benchmarks: they print numbers and assert nothing')
  .showHelpAfterError();
program
  .command('persisters')
  .description('saves/s and p50/p99 save latency of every persister, beside raw fdatasync')
  .action(async () => (await import('./persisters.ts')).runPersisterBench());
program
  .command('startup')
  .description('node spawn to serving, kvraft get, and kvraft-check c01-ok wall times')
  .action(async () => (await import('./startup.ts')).runStartupBench());
program
  .command('cluster')
  .description(
    'closed-loop clients against a local kvraft cluster per persister (and etcd): ops/s, ' +
      'latency percentiles, server and loader CPU per operation, entries per save',
  )
  .addOption(
    new Option('--clients <list>', 'concurrent clients per cell')
      .argParser((text) => parseCounts(text, 4096))
      .default([1, 8, 64], '1,8,64'),
  )
  .addOption(
    new Option('--workloads <list>', 'put, mixed (50/50 get/put), append, get')
      .argParser((text) => parseNames(text, workloadNames))
      .default([...workloadNames], workloadNames.join(',')),
  )
  .addOption(
    new Option('--value-bytes <list>', 'value sizes (16, 1KiB, 1MiB)')
      .argParser(parseByteSizes)
      .default([16, 1024], '16,1024'),
  )
  .addOption(
    new Option('--keys <n>', 'distinct keys, chosen uniformly')
      .argParser((text) => parseCount(text, 10_000_000))
      .default(1000),
  )
  .addOption(
    new Option('--duration <time>', 'length of each cell (500ms, 5s, 1m)')
      .argParser(parseDurationMs)
      .default(5000, '5s'),
  )
  .addOption(
    new Option(
      '--ops <n>',
      'most operations per client per cell (the Speed-test shape: --workloads append ' +
        '--clients 1 --keys 1 --ops 1000)',
    ).argParser((text) => parseCount(text, 1_000_000)),
  )
  .addOption(
    new Option('--nodes <list>', 'cluster sizes')
      .argParser((text) => parseCounts(text, 9))
      .default([3], '3'),
  )
  .addOption(
    new Option('--persisters <list>', 'kvraft persisters: sqlite, level, memory')
      .argParser((text) => parseNames(text, benchPersisters))
      .default(['sqlite', 'level'], 'sqlite,level'),
  )
  .option('--vs-etcd', 'also run every cell against a local etcd cluster (etcd on PATH)', false)
  .option('--json <file>', 'also write every figure as JSON to <file>')
  .action(async (options) => (await import('./cluster-command.ts')).runClusterCommand(options));
await program.parseAsync(process.argv);
