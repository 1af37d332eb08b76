// Runs the whole test suite with vitest and closes with a plain `N passed, N failed` line,
// derived from vitest's JSON report, so CI and people read the same verdict.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const reportPath = '.test-results/vitest.json';
rmSync(reportPath, { force: true });
const run = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
if (!existsSync(reportPath)) {
  console.log('0 passed, 1 failed');
  console.error(`vitest wrote no report at ${reportPath} (exit ${run.status})`);
  process.exit(run.status || 1);
}
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const passed = report.numPassedTests ?? 0;
// A suite that fails to load counts as a failure even when it declared no tests.
const failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0) - countEmptyFailedSuites(report);
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1);

function countEmptyFailedSuites(r) {
  // Suites that failed with failing tests are already counted through numFailedTests.
  return (r.testResults ?? []).filter(
    (s) => s.status === 'failed' && s.assertionResults.some((a) => a.status === 'failed'),
  ).length;
}
