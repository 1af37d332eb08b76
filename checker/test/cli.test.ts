// Goal: the kvraft-check binary works for real: exit codes 0/1/2/3/4, --json output, --html and
// --shrink files, and every failure says why on stderr (issue 9's CLI items, issue 14's errors). Method: spawn the compiled bin (dist/cli/bin.js, plain node) on the Porcupine files and on small
// fixtures written to a temporary folder.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check, generateKvHistory, kvModel, parseJsonl, toJsonl } from '../src/index.ts';
import { porcupineKvDir } from './porcupine-paths.ts';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cli/bin.js');
const work = mkdtempSync(path.join(tmpdir(), 'kvraft-check-'));

function run(...args: string[]) {
  const child = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('kvraft-check', () => {
  it('exits 0 on a linearizable history', () => {
    const result = run(path.join(porcupineKvDir, 'c10-ok.txt'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(': ok');
  });

  it('exits 1 on a violation and prints JSON with --json', () => {
    const result = run(path.join(porcupineKvDir, 'c50-bad.txt'), '--json');
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.verdict).toBe('illegal');
    expect(summary.format).toBe('porcupine');
    expect(summary.linearizability.partitions).toHaveLength(10);
  });

  it('exits 2 when the budget runs out before a verdict, and says which budget', () => {
    // 1 ms runs out while reading or in the first search slices, depending on the machine.
    const result = run(path.join(porcupineKvDir, 'c50-ok.txt'), '--budget-ms', '1', '--json');
    expect(result.code).toBe(2);
    const said = result.stdout === '' ? result.stderr : result.stdout;
    expect(said).toMatch(/time-budget/);
  });

  it('exits 2 within a memory budget too small for the history', () => {
    const file = path.join(work, 'large.jsonl');
    const large = generateKvHistory({ seed: 2, clients: 10, keys: 50, operations: 20_000 });
    writeFileSync(file, toJsonl(large));
    const result = run(file, '--memory-mb', '1');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /read-memory-budget: .* MiB; expected at most 1\.0 MiB \(raise --memory-mb\)/,
    );
  });

  it('exits 3 with the line and reason on malformed input', () => {
    const file = path.join(work, 'bad.jsonl');
    writeFileSync(
      file,
      '{"type":"invoke","process":1,"f":"get","key":"k","time":5}\n{"type":"ok","process":1,"f":"get","key":"k","value":"","time":4}\n',
    );
    const result = run(file);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'line 2, column 57: time-backwards: time 4; expected a time of at least 5',
    );
  });

  it('says a truncated last line was cut off, with its line and column', () => {
    const file = path.join(work, 'cut.jsonl');
    writeFileSync(
      file,
      '{"type":"invoke","process":1,"f":"get","key":"k","time":5}\n{"type":"ok","pro',
    );
    const result = run(file);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'line 2, column 18: bad-json: the line is cut off: the file ends inside it',
    );
  });

  it.each([
    ['garbage', 'hello world\n', /line 1, column 1: bad-edn: found "hello"; expected an EDN map/],
    [
      'an unclosed vector',
      '[{:type :invoke, :f :read, :process 0, :time 1}\n',
      /line 1, column 1: bad-edn: the vector opened here is never closed/,
    ],
    [
      'a cut-off map',
      '{:type :invoke, :f :read, :process 0, :time 1}\n{:type :ok, :f',
      /line 2, column 1: bad-edn: the map starting here is cut off/,
    ],
  ])('names the line and column of %s in EDN', (_name, text, message) => {
    const file = path.join(work, 'bad.edn');
    writeFileSync(file, text);
    const result = run(file);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/undefined|not iterable/);
  });

  it('calls an empty history undecided unless --allow-empty', () => {
    const file = path.join(work, 'empty.jsonl');
    writeFileSync(file, '\n');
    const refused = run(file);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('no operations');
    expect(run(file, '--allow-empty').code).toBe(0);
  });

  it('prints its usage with --help and exits 0', () => {
    const result = run('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--memory-mb');
    expect(result.stdout).toContain('--allow-empty');
  });

  it.each([
    ['an unknown flag', ['--bogus'], /unknown option '--bogus'/],
    ['a bad number', ['--budget-ms', 'abc'], /expected a positive integer, got "abc"/],
    ['a zero memory budget', ['--memory-mb', '0'], /expected a positive integer, got "0"/],
    ['a bad token pattern', ['--token-pattern', 'x('], /not a regular expression/],
  ])('refuses %s with exit 4 and says why', (_name, flags, message) => {
    const result = run(path.join(porcupineKvDir, 'c01-ok.txt'), ...flags);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(message);
  });

  it('refuses an --html or --shrink path in a missing folder before checking', () => {
    const missing = path.join(work, 'no-such-dir', 'report.html');
    const html = run(path.join(porcupineKvDir, 'c01-bad.txt'), '--html', missing);
    expect(html.code).toBe(4);
    expect(html.stderr).toMatch(
      /cannot write --html .*report\.html: the directory .*no-such-dir does not exist/,
    );
    const shrunk = run(path.join(porcupineKvDir, 'c01-bad.txt'), '--shrink', missing);
    expect(shrunk.code).toBe(4);
    expect(shrunk.stderr).toContain('cannot write --shrink');
  });

  it('exits 3 on a missing file and says so', () => {
    const result = run(path.join(work, 'missing.jsonl'));
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/cannot read .*missing\.jsonl .*unreadable: ENOENT/);
  });

  it('writes a self-contained HTML report and a shrunk JSONL fixture', () => {
    const html = path.join(work, 'report.html');
    const shrunk = path.join(work, 'shrunk.jsonl');
    const result = run(
      path.join(porcupineKvDir, 'c01-bad.txt'),
      '--html',
      html,
      '--shrink',
      shrunk,
    );
    expect(result.code).toBe(1);
    expect(readFileSync(html, 'utf8')).toContain('Key &quot;7&quot;: illegal');
    const fixture = parseJsonl(readFileSync(shrunk, 'utf8'));
    expect(fixture.ok && check(fixture.history, kvModel).verdict).toBe('illegal');
  });

  it('reads Jepsen EDN register histories and picks the register model', () => {
    const file = path.join(work, 'history.edn');
    writeFileSync(
      file,
      '{:type :invoke, :f :write, :value 1, :process 0, :time 1}\n{:type :ok, :f :write, :value 1, :process 0, :time 2}\n{:type :invoke, :f :read, :value nil, :process 1, :time 3}\n{:type :ok, :f :read, :value 1, :process 1, :time 4}\n',
    );
    const result = run(file, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).linearizability.model).toBe('register');
  });
});
