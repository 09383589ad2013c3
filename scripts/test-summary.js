#!/usr/bin/env node
// @ts-check
// Prints vitest's JSON report as one plain line, `N passed, N failed[, N skipped]`, and exits 1
// when the report is missing, counts no test at all, or counts a failure.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? "reports/vitest.json";
/** @type {{ numPassedTests?: number, numFailedTests?: number, numPendingTests?: number, numTodoTests?: number, numTotalTestSuites?: number, numFailedTestSuites?: number }} */
let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(`no test report at ${file}: ${error instanceof Error ? error.message : error}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// A test file that fails to load counts no failed test, only a failed suite: count it too.
const failedTests = report.numFailedTests ?? 0;
const failed = failedTests > 0 ? failedTests : (report.numFailedTestSuites ?? 0);
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
