// Goal: the client commands as people use them, against a real TLS cluster: they reach it with
// --tls-ca (or KVRAFT_TLS_CA) and not without; `get` tells a missing key (exit 2, found:false)
// from an empty value; values come from a file or stdin and never appear in the config line; a
// value or key over the server's limit fails at once with its size; the server's own refusal
// (an append that would grow a value past 1 MiB) shows its reason; `status --json` parses;
// `--version` is the package's. Method: openssl makes a throwaway CA and a certificate for
// 127.0.0.1; a ProcessCluster of compiled nodes serves TLS; the compiled bin runs each command.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessCluster } from '@kvraft/cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvraft } from './support/run-bin.ts';

const dir = mkdtempSync(join(tmpdir(), 'kvraft-client-'));
let cluster: ProcessCluster;
let servers: string[];
let tls: string[];

/** Makes a CA and a certificate for 127.0.0.1 signed by it; returns the PEM file paths. */
function makePki(): { cert: string; key: string; ca: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const subject = (cn: string) => ['-nodes', '-subj', `/CN=${cn}`];
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    ...subject('ca'),
    '-days',
    '1',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  run(
    'req',
    '-newkey',
    'rsa:2048',
    ...subject('127.0.0.1'),
    '-keyout',
    'node.key',
    '-out',
    'node.csr',
  );
  writeFileSync(join(dir, 'node.ext'), 'subjectAltName=IP:127.0.0.1');
  run(
    'x509',
    '-req',
    '-in',
    'node.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    'node.ext',
    '-out',
    'node.pem',
  );
  return { cert: join(dir, 'node.pem'), key: join(dir, 'node.key'), ca: join(dir, 'ca.pem') };
}

beforeAll(async () => {
  const pki = makePki();
  cluster = await ProcessCluster.start({
    nodes: 3,
    persister: 'memory',
    dir: join(dir, 'cluster'),
    secret: 'client-test',
    tls: pki,
  });
  servers = ['--servers', cluster.serversFlag()];
  tls = ['--tls-ca', pki.ca];
  const leader = await cluster.waitForLeader(60_000);
  expect(leader, 'no leader within 60 s').toBeDefined();
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('client commands against a TLS cluster', () => {
  it('reach it with --tls-ca or KVRAFT_TLS_CA, and not over plain TCP', async () => {
    expect((await kvraft(['put', 'k', 'v1', ...servers, ...tls])).stdout.trim()).toBe('OK');
    const env = { KVRAFT_TLS_CA: join(dir, 'ca.pem') };
    expect((await kvraft(['get', 'k', ...servers], { env })).stdout.trim()).toBe('v1');
    const plain = await kvraft(['get', 'k', ...servers, '--timeout-ms', '1500']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('Are the servers reachable?');
  });

  it('tell a missing key (exit 2, found:false) from an empty value', async () => {
    const missing = await kvraft(['get', 'nothing-here', ...servers, ...tls]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('key "nothing-here" does not exist');
    const json = await kvraft(['get', 'nothing-here', '--json', ...servers, ...tls]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ key: 'nothing-here', found: false, value: '' });
    expect((await kvraft(['put', 'empty', '', ...servers, ...tls])).code).toBe(0);
    const empty = await kvraft(['get', 'empty', '--json', ...servers, ...tls]);
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.stdout)).toEqual({ key: 'empty', found: true, value: '' });
  });

  it('take a value from a file or stdin and print its size, never the value, in the config line', async () => {
    const file = join(dir, 'value.txt');
    writeFileSync(file, 'from-a-file-7731');
    const put = await kvraft(['put', 'f', '--value-file', file, ...servers, ...tls]);
    expect(put.stdout.trim()).toBe('OK');
    expect(put.stderr).toContain('valueBytes=16');
    expect(put.stderr).not.toContain('from-a-file-7731');
    const stdin = await kvraft(['append', 'f', '-', ...servers, ...tls], { input: '+stdin-5521' });
    expect(stdin.stdout.trim()).toBe('OK');
    expect(stdin.stderr).not.toContain('stdin-5521');
    expect((await kvraft(['get', 'f', ...servers, ...tls])).stdout.trim()).toBe(
      'from-a-file-7731+stdin-5521',
    );
  });

  it('refuse an oversized value or key before sending, with its size', async () => {
    const big = join(dir, 'big.bin');
    writeFileSync(big, Buffer.alloc((1 << 20) + 1, 'a'));
    const fromFile = await kvraft(['put', 'b', '--value-file', big, ...servers, ...tls]);
    expect(fromFile.code).toBe(1);
    expect(fromFile.stderr).toContain('is 1048577 bytes; the limit is 1048576 bytes');
    const piped = await kvraft(['put', 'b', '-', ...servers, ...tls], {
      input: 'a'.repeat((1 << 20) + 10),
    });
    expect(piped.code).toBe(1);
    expect(piped.stderr).toContain('the limit is 1048576 bytes');
    const key = await kvraft(['get', 'k'.repeat(1025), ...servers, ...tls]);
    expect(key.code).toBe(1);
    expect(key.stderr).toContain('key exceeds 1024 bytes');
    expect(key.stderr).not.toContain('reachable');
  });

  it("shows the server's reason when it refuses an append that would pass the value limit", async () => {
    const chunk = join(dir, 'chunk.bin');
    writeFileSync(chunk, Buffer.alloc(120 * 1024, 'x'));
    const appendChunk = () => kvraft(['append', 'grow', '--value-file', chunk, ...servers, ...tls]);
    for (let i = 0; i < 8; i++) expect((await appendChunk()).stdout.trim()).toBe('OK');
    const ninth = await appendChunk();
    expect(ninth.code).toBe(1);
    expect(ninth.stderr).toContain(
      "refused by the server: append would grow 'grow' past 1048576 bytes",
    );
    expect(ninth.stderr).not.toContain('reachable');
    const json = await kvraft(['get', 'grow', '--json', ...servers, ...tls]);
    expect((JSON.parse(json.stdout) as { value: string }).value).toHaveLength(8 * 120 * 1024);
  }, 120_000);

  it('print status as one JSON array, and the package version', async () => {
    const status = await kvraft(['status', '--json', ...servers, ...tls]);
    expect(status.code).toBe(0);
    const nodes = JSON.parse(status.stdout) as { id: number; reachable: boolean; role: string }[];
    expect(nodes.map((n) => n.reachable)).toEqual([true, true, true]);
    expect(nodes.filter((n) => n.role === 'leader')).toHaveLength(1);
    const { version } = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'),
    ) as { version: string };
    expect((await kvraft(['--version'])).stdout.trim()).toBe(version);
  });
});
