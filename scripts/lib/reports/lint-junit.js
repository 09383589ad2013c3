// @ts-check
// lint.junit.xml: for CI test tabs, built with junit-report-builder (which escapes the XML).
import junitModule from "junit-report-builder";

// The package's types describe an ES module, but Node loads its CommonJS build, whose
// `module.exports` is the builder itself: the default import is the builder at run time.
const junit = /** @type {import("junit-report-builder").Builder} */ (/** @type {unknown} */ (junitModule));

/** @typedef {import("./model.js").LintReport} LintReport */

/**
 * One test suite per API. Each lint error is a failed test case (class name: the file, name: the
 * location and rule); each warning a passing one that carries its message on `system-out`, as
 * warnings do not fail the lint. A clean spec is one passing case, so the tab is never empty.
 * @param {LintReport} report
 * @returns {string}
 */
export function renderLintJunit(report) {
  const builder = junit.newBuilder().name(`Redocly lint: ${report.api}`);
  const suite = builder.testSuite().name(`${report.api} lint (${report.root})`);
  for (const f of report.findings) {
    const test = suite
      .testCase()
      .className(f.file || report.root)
      .name(`${f.file}:${f.line}:${f.column} ${f.ruleId}`)
      .file(f.file || report.root);
    const details = `${f.file}:${f.line}:${f.column} ${f.pointer}${f.docsUrl ? `\n${f.docsUrl}` : ""}`;
    if (f.severity === "error") test.failure(f.message, f.ruleId).stacktrace(details);
    else test.standardOutput(`warning ${f.ruleId}: ${f.message}\n${details}`);
  }
  if (report.findings.length === 0) {
    const test = suite.testCase().className(report.root).name(`${report.api}: lint`).file(report.root);
    if (report.failure) test.error(report.failure, "failure");
  }
  return `${builder.build()}\n`;
}
