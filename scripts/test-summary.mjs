// Prints vitest's JSON results as one plain line: "tests: N passed, N failed, N skipped".
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.tmp/vitest-results.json';
try {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  // vitest's own exit code is not reliable here (a dependency's exit hook can end the process with 0),
  // so the results decide: any failed test or suite fails the run.
  if (r.numFailedTests > 0 || r.numFailedTestSuites > 0 || r.success === false) process.exitCode = 1;
} catch {
  // No report: vitest stopped before running anything (a global setup failure, such as embedded PostgreSQL
  // not starting, can end it without a word).
  console.log(`tests: 0 passed, 1 failed (no results in ${file}: vitest did not run the tests; run \`npx vitest run\` to see why)`);
  process.exitCode = 1;
}
