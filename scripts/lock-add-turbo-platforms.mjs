// Some registries serve only turbo's Linux binaries; npm then leaves the other platforms out of
// package-lock.json and `npm ci` refuses the lock as out of sync. This records them as optional,
// platform-gated entries, which npm ci skips on Linux without fetching. Run after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(path, 'utf8'));
const base = lock.packages['node_modules/@turbo/linux-64'];
const platforms = {
  'darwin-64': ['darwin', 'x64'],
  'darwin-arm64': ['darwin', 'arm64'],
  'windows-64': ['win32', 'x64'],
  'windows-arm64': ['win32', 'arm64'],
};
for (const [name, [os, cpu]] of Object.entries(platforms)) {
  const key = `node_modules/@turbo/${name}`;
  if (lock.packages[key]) continue;
  lock.packages[key] = {
    version: base.version,
    cpu: [cpu],
    dev: true,
    license: 'MIT',
    optional: true,
    os: [os],
  };
}
const sorted = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) =>
    a === '' ? -1 : b === '' ? 1 : a.localeCompare(b),
  ),
);
lock.packages = sorted;
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
