// Goal: CI runs only `npm test`, so the type checker and the linter run inside it: every
// workspace typechecks under the strict base config, and Biome reports nothing. Method: run the
// same commands a developer runs (`npm run typecheck`, `npm run lint`) and show their output
// when they fail.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: 240_000 });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('static checks', () => {
  it('every workspace typechecks', () => {
    const result = run('npx', [
      'turbo',
      'run',
      'typecheck',
      '--concurrency=2',
      '--output-logs=errors-only',
    ]);
    expect(result.status, result.output).toBe(0);
  }, 300_000);

  it('Biome finds no lint or format problem', () => {
    const result = run('npx', ['biome', 'check', '.']);
    expect(result.status, result.output).toBe(0);
  }, 120_000);
});
