// Goal: kvraft works the way a user gets it, from packed tarballs outside the repo: every
// publishable package packs without tests or tsconfigs, installs into a scratch project, runs
// under plain node (no tsx, no source condition), starts a 3-node cluster in-process from the
// @kvraft/server README example, serves its bins, and typechecks a TypeScript consumer against
// the shipped .d.ts. Method: npm pack, npm install of the tarballs into a temp dir, child
// processes with bounded timeouts.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'kvraft-pack-'));
const tarballDir = join(scratch, 'tarballs');

interface Workspace {
  readonly name: string;
  readonly location: string;
  readonly private?: boolean;
}

interface PackResult {
  readonly name: string;
  readonly filename: string;
  readonly files: readonly { path: string }[];
}

let packed: PackResult[] = [];

function run(command: string, args: string[], cwd: string, timeoutMs = 120_000) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

function publishable(): Workspace[] {
  const json = execFileSync('npm', ['query', '.workspace'], { cwd: root, encoding: 'utf8' });
  return (JSON.parse(json) as Workspace[]).filter((w) => w.private !== true);
}

function devVersion(name: string): string {
  return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}

beforeAll(() => {
  const build = run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], root, 300_000);
  expect(build.status, build.output).toBe(0);
  const names = publishable().flatMap((w) => ['-w', w.name]);
  mkdirSync(tarballDir);
  const pack = run('npm', ['pack', ...names, '--pack-destination', tarballDir, '--json'], root);
  expect(pack.status, pack.output).toBe(0);
  packed = JSON.parse(
    pack.output.slice(pack.output.indexOf('['), pack.output.lastIndexOf(']') + 1),
  );
  writeFileSync(
    join(scratch, 'package.json'),
    `${JSON.stringify({ name: 'scratch', private: true, type: 'module' })}\n`,
  );
  const install = run(
    'npm',
    [
      'install',
      '--ignore-scripts',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      ...packed.map((p) => join(tarballDir, p.filename)),
      `typescript@${devVersion('typescript')}`,
      `@types/node@${devVersion('@types/node')}`,
    ],
    scratch,
    600_000,
  );
  expect(install.status, install.output).toBe(0);
  // better-sqlite3 compiles its addon at install time (minutes on 2 cores, and no prebuilt
  // download is reachable here); the repo's own install already built the same version for this
  // Node, so the scratch project takes that build instead of its install script.
  cpSync(
    join(root, 'node_modules', 'better-sqlite3', 'build'),
    join(scratch, 'node_modules', 'better-sqlite3', 'build'),
    { recursive: true },
  );
}, 900_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the packed packages', () => {
  it('ship compiled code, types, README and licence, and no tests or tsconfigs', () => {
    expect(packed.length).toBe(publishable().length);
    for (const tarball of packed) {
      const files = tarball.files.map((f) => f.path);
      const context = `${tarball.name}: ${files.join(' ')}`;
      expect(
        files.some((f) => /^dist\/.*\.js$/.test(f)),
        context,
      ).toBe(true);
      expect(
        files.some((f) => /^dist\/.*\.d\.ts$/.test(f)),
        context,
      ).toBe(true);
      expect(files, context).toContain('README.md');
      expect(files, context).toContain('LICENSE');
      expect(
        files.filter((f) => /(^|\/)test\/|\.test\.|tsconfig|^src\//.test(f)),
        context,
      ).toEqual([]);
    }
  });

  it('run the @kvraft/server README example: a 3-node cluster, put/append/get, a checked history', () => {
    const result = runReadmeExample('server');
    const line =
      result.output
        .trim()
        .split('\n')
        .find((l) => l.startsWith('{')) ?? '{}';
    expect(JSON.parse(line)).toEqual({
      value: 'hello, world',
      verdict: 'ok',
      roles: ['follower', 'follower', 'leader'],
    });
  }, 90_000);

  it.each(
    workspaceReadmes().filter((name) => name !== 'server'),
  )('run the example in the README of %s', (name) => {
    runReadmeExample(name);
  }, 90_000);

  it('install no TypeScript loader at runtime', () => {
    expect(existsSync(join(scratch, 'node_modules', 'tsx'))).toBe(false);
  });

  it('provide bins that run with plain node', () => {
    const bin = (name: string) => join(scratch, 'node_modules', '.bin', name);
    const fixture = join(root, 'checker', 'fixtures', 'porcupine', 'kv', 'c01-ok.txt');
    const checked = run(bin('kvraft-check'), [fixture], scratch, 30_000);
    expect(checked.status, checked.output).toBe(0);
    expect(checked.output).toContain('ok (58 operations');
    for (const name of ['kvraft', 'kvraft-server']) {
      const help = run(bin(name), ['--help'], scratch, 30_000);
      expect(help.status, help.output).toBe(0);
      expect(help.output).toContain('Usage:');
    }
  });

  it('typecheck a TypeScript consumer against the shipped .d.ts, and refuse a wrong one', () => {
    const tsconfig = {
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        types: ['node'],
      },
      include: ['consumer.ts'],
    };
    writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify(tsconfig));
    writeFileSync(join(scratch, 'consumer.ts'), consumerSource('clusterSecret: "s"'));
    const tsc = join(scratch, 'node_modules', 'typescript', 'bin', 'tsc');
    const good = run(process.execPath, [tsc, '-p', '.'], scratch, 120_000);
    expect(good.status, good.output).toBe(0);
    writeFileSync(join(scratch, 'consumer.ts'), consumerSource('clusterSecret: 42'));
    const bad = run(process.execPath, [tsc, '-p', '.'], scratch, 120_000);
    expect(bad.status).not.toBe(0);
    expect(bad.output).toContain("Type 'number' is not assignable to type 'string'");
  }, 240_000);
});

// The folders (under packages/, apps/ or the root) of packages whose README has a js example.
function workspaceReadmes(): string[] {
  return publishable()
    .filter((w) => readmeExample(w.location) !== undefined)
    .map((w) => w.location.split('/').at(-1) ?? w.location);
}

function readmeExample(location: string): string | undefined {
  const path = join(root, location, 'README.md');
  if (!existsSync(path)) return undefined;
  return /```js\n([\s\S]*?)```/.exec(readFileSync(path, 'utf8'))?.[1];
}

// Runs a README's first js block as a module in the scratch project; it must exit 0.
function runReadmeExample(folder: string) {
  const location = publishable().find(
    (w) => w.location.endsWith(`/${folder}`) || w.location === folder,
  )?.location;
  const example = location === undefined ? undefined : readmeExample(location);
  expect(example, `a js example in ${folder}/README.md`).toBeDefined();
  const file = `example-${folder}.mjs`;
  writeFileSync(join(scratch, file), example ?? '');
  const result = run(process.execPath, [file], scratch, 60_000);
  expect(result.status, result.output).toBe(0);
  return result;
}

// A consumer touching each package's main types; `secret` is spliced in so one variant is wrong.
function consumerSource(secret: string): string {
  return `
import { check, kvModel, type CheckResult } from '@kvraft/checker';
import { Clerk, type ClerkResult } from '@kvraft/clerk';
import { ProcessCluster } from '@kvraft/cluster';
import { MemoryPersister } from '@kvraft/persister-memory';
import type { Persister } from '@kvraft/raft-core';
import { startNode, type KvNode } from '@kvraft/server';
import { TcpClientTransport, type Endpoint } from '@kvraft/transport';

const peers = new Map<number, Endpoint>([[1, { host: '127.0.0.1', port: 7001 }]]);
const persister: Persister = new MemoryPersister();
export async function main(): Promise<void> {
  const node: KvNode = await startNode({ id: 1, peers, persister, ${secret} });
  const transport = new TcpClientTransport({ servers: peers });
  const clerk = new Clerk({
    servers: [1],
    transport,
    clock: { now: () => 0, sleep: async () => {} },
    prng: { nextUint32: () => 4 },
  });
  const read: ClerkResult<string> = await clerk.get('k');
  const result: CheckResult = check({ operations: [] } as never, kvModel);
  const role: string = node.status().role;
  console.log(read.ok, result.verdict, role, typeof ProcessCluster.start);
  await node.stop();
}
`;
}
