// @ts-check
// lint.md: for people and GitHub job summaries (`cat lint.md >> "$GITHUB_STEP_SUMMARY"`).

import { markdownCode, markdownText } from "../text/escape.js";

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
    `Spec: ${markdownCode(report.root)} · **${report.counts.error}** error(s) · **${report.counts.warn}** warning(s)`,
    "",
    "| Severity | Location | Rule | Message |",
    "| --- | --- | --- | --- |",
  ];
  for (const f of report.findings) {
    const rule = f.docsUrl ? `[${markdownCode(f.ruleId)}](${linkTarget(f.docsUrl)})` : markdownCode(f.ruleId);
    const severity = f.severity === "error" ? "🔴 error" : "🟡 warning";
    lines.push(`| ${severity} | ${markdownCode(`${f.file}:${f.line}`)} | ${rule} | ${escapeCell(f.message)} |`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Table cells cannot hold line breaks or unescaped pipes; angle brackets would be read as HTML.
 * The rule is {@link markdownText}'s; this name stays for the other Markdown reports.
 */
export const escapeCell = markdownText;

/**
 * A link destination that cannot end the link early or start HTML: only an http(s) URL, with
 * spaces, parentheses and angle brackets percent-encoded; anything else links nowhere.
 * @param {string} url
 */
function linkTarget(url) {
  if (!/^https?:\/\//i.test(url)) return "#";
  return url.replace(/[\s()<>\\`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}
