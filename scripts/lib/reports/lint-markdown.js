// @ts-check
// lint.md: for people and GitHub job summaries (`cat lint.md >> "$GITHUB_STEP_SUMMARY"`).

/** @typedef {import("./model.js").LintReport} LintReport */

/**
 * @param {LintReport} report
 * @returns {string}
 */
export function renderLintMarkdown(report) {
  const heading = `### ${escapeCell(report.verdict)}`;
  if (report.findings.length === 0) return `${heading}\n`; // a clean spec (or a failure with no finding) in one line
  const lines = [
    heading,
    "",
    `Spec: \`${report.root}\` · **${report.counts.error}** error(s) · **${report.counts.warn}** warning(s)`,
    "",
    "| Severity | Location | Rule | Message |",
    "| --- | --- | --- | --- |",
  ];
  for (const f of report.findings) {
    const rule = f.docsUrl ? `[\`${f.ruleId}\`](${f.docsUrl})` : `\`${f.ruleId}\``;
    const severity = f.severity === "error" ? "🔴 error" : "🟡 warning";
    lines.push(`| ${severity} | \`${escapeCode(f.file)}:${f.line}\` | ${rule} | ${escapeCell(f.message)} |`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Table cells cannot hold newlines or unescaped pipes; angle brackets would be read as HTML.
 * @param {string} text
 */
export function escapeCell(text) {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** @param {string} text */
function escapeCode(text) {
  return text.replace(/\|/g, "\\|").replace(/`/g, "'");
}
