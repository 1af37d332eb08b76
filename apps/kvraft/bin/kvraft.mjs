#!/usr/bin/env node
// The `kvraft` executable: runs src/main.ts from source, without a build step, by re-running
// node with tsx's loader and the `@kvraft/source` export condition. Signals are forwarded to
// the child so SIGTERM/SIGINT reach the node's graceful shutdown, and its exit code is ours.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--conditions=@kvraft/source',
    join(appDir, 'src', 'main.ts'),
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', cwd: process.cwd(), env: { ...process.env, KVRAFT_APP_DIR: appDir } },
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal === null ? 1 : 128));
});
