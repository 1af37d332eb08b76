// Runs the whole test suite with vitest and closes with a plain `N passed, N failed` line,
// derived from vitest's JSON report, so CI and people read the same verdict.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const reportPath = '.test-results/vitest.json';
rmSync(reportPath, { force: true });
// The bins and the pack-and-install test run compiled JavaScript: build first (turbo caches it).
const build = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.log('0 passed, 1 failed');
  console.error(`the build failed (exit ${build.status})`);
  process.exit(1);
}
const run = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
if (!existsSync(reportPath)) {
  console.log('0 passed, 1 failed');
  console.error(`vitest wrote no report at ${reportPath} (exit ${run.status})`);
  process.exit(run.status || 1);
}
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const passed = report.numPassedTests ?? 0;
// A test file that fails to load (or fails outside any test) has no failed test in it: count it
// as one failure so it cannot hide. (vitest's numFailedTestSuites counts describe blocks.)
const brokenFiles = (report.testResults ?? []).filter(
  (file) => file.status === 'failed' && !file.assertionResults.some((a) => a.status === 'failed'),
);
const failed = (report.numFailedTests ?? 0) + brokenFiles.length;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
for (const file of brokenFiles)
  console.error(`failed outside any test: ${file.name}: ${file.message}`);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
