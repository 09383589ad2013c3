// @ts-check
// lint.json: every problem, for machines.

/** @typedef {import("./model.js").LintReport} LintReport */

/**
 * @param {LintReport} report
 * @returns {string}
 */
export function renderLintJson(report) {
  const body = {
    api: report.api,
    root: report.root,
    passed: report.passed,
    verdict: report.verdict,
    failure: report.failure ?? null,
    counts: report.counts,
    problems: report.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      file: f.file,
      line: f.line,
      column: f.column,
      pointer: f.pointer,
      docsUrl: f.docsUrl ?? null,
    })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
