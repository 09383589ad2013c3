#!/usr/bin/env node
// @ts-check
// Prints vitest's JSON reports as plain lines: one per report (`LABEL: N passed, N failed`) when
// there are several, then the sum alone on the last line, `N passed, N failed[, N skipped]`.
// Exits 1 when a report is missing or unreadable, counts no test at all, or counts a failure.
//
//   node test/tools/test-summary.js [reports/vitest.json]
//   node test/tools/test-summary.js "node v20.20.2=reports/vitest-node20.json" "node v22.23.5=reports/vitest-node22.json"
//   node test/tools/test-summary.js --exit "node v22.23.5=2" "node v22.23.5=reports/vitest-node22.json"
//
// `--exit LABEL=CODE` is the exit code of the command that produced LABEL's report: a non-zero
// code whose report counts no failure (typecheck, lint or the drift check failed first, or the
// runner died after writing it) counts as one failure, so the last line always tells the truth.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * @typedef {{ numPassedTests?: number, numFailedTests?: number, numPendingTests?: number, numTodoTests?: number, numTotalTestSuites?: number, numFailedTestSuites?: number }} VitestReport
 * @typedef {{ label: string, passed: number, failed: number, skipped: number, problem?: string }} RunCounts
 */

/**
 * Counts one run from its parsed report (`undefined` when there is none) and its exit code.
 * @param {string} label
 * @param {VitestReport | undefined} report
 * @param {number} [exitCode]
 * @param {string} [missing] why there is no report
 * @returns {RunCounts}
 */
export function countRun(label, report, exitCode = 0, missing = "no test report") {
  if (report === undefined) return { label, passed: 0, failed: 1, skipped: 0, problem: missing };
  const passed = report.numPassedTests ?? 0;
  // A test file that fails to load counts no failed test, only a failed suite: count it too.
  const failedTests = report.numFailedTests ?? 0;
  let failed = failedTests > 0 ? failedTests : (report.numFailedTestSuites ?? 0);
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  /** @type {RunCounts} */
  const counts = { label, passed, failed, skipped };
  if (exitCode !== 0 && failed === 0) {
    failed = 1;
    counts.failed = 1;
    counts.problem = `exited ${exitCode} with no failed test in its report`;
  }
  if (passed === 0 && failed === 0) {
    counts.failed = 1;
    counts.problem = "ran no test";
  }
  return counts;
}

/**
 * The printed lines: one per run when there are several, then the sum.
 * @param {RunCounts[]} runs
 * @returns {{ lines: string[], ok: boolean }}
 */
export function summarize(runs) {
  /** @param {{ passed: number, failed: number, skipped: number }} c */
  const line = (c) => `${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ""}`;
  const total = { passed: 0, failed: 0, skipped: 0 };
  const lines = [];
  for (const run of runs) {
    total.passed += run.passed;
    total.failed += run.failed;
    total.skipped += run.skipped;
    if (runs.length > 1 || run.problem)
      lines.push(`${run.label} — ${line(run)}${run.problem ? ` (${run.problem})` : ""}`);
  }
  lines.push(line(total));
  return { lines, ok: total.failed === 0 && total.passed > 0 };
}

/** @param {string[]} argv */
function main(argv) {
  /** @type {Map<string, number>} */
  const exits = new Map();
  /** @type {{ label: string, file: string }[]} */
  const reports = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = /** @type {string} */ (argv[i]);
    if (arg === "--exit") {
      const [label, code] = splitLast(argv[++i] ?? "");
      exits.set(label, Number(code));
      continue;
    }
    const at = arg.lastIndexOf("=");
    reports.push(at > 0 ? { label: arg.slice(0, at), file: arg.slice(at + 1) } : { label: basename(arg), file: arg });
  }
  if (reports.length === 0) reports.push({ label: "vitest", file: "reports/vitest.json" });
  const runs = reports.map(({ label, file }) => {
    try {
      return countRun(label, JSON.parse(readFileSync(file, "utf8")), exits.get(label) ?? 0);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      console.error(`no test report at ${file}: ${why}`);
      return countRun(label, undefined, exits.get(label) ?? 0, `no test report at ${file}`);
    }
  });
  const { lines, ok } = summarize(runs);
  for (const line of lines) console.log(line);
  return ok ? 0 : 1;
}

/**
 * @param {string} text `LABEL=VALUE`, the label possibly holding `=`
 * @returns {[string, string]}
 */
function splitLast(text) {
  const at = text.lastIndexOf("=");
  return [text.slice(0, at), text.slice(at + 1)];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  process.exitCode = main(process.argv.slice(2));
