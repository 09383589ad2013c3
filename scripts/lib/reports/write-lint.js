// @ts-check
// The four lint reports of one API, from the findings the pipeline already has (no second lint).
import { join } from "node:path";
import { writeFileAtomic } from "../write/atomic-write.js";
import { renderLintJson } from "./lint-json.js";
import { renderLintJunit } from "./lint-junit.js";
import { renderLintMarkdown } from "./lint-markdown.js";
import { renderLintSarif } from "./lint-sarif.js";

/** @typedef {import("./model.js").LintReport} LintReport */

export const LINT_REPORT_FILES = /** @type {const} */ (["lint.json", "lint.md", "lint.sarif", "lint.junit.xml"]);

/**
 * Renders every report first and then writes each atomically, so a rendering error leaves the
 * previous reports whole.
 * @param {LintReport} report
 * @param {string} apiDir `reports/<api-name>/`
 * @returns {Promise<string[]>} the files written
 */
export async function writeLintReports(report, apiDir) {
  const contents = {
    "lint.json": renderLintJson(report),
    "lint.md": renderLintMarkdown(report),
    "lint.sarif": renderLintSarif(report),
    "lint.junit.xml": renderLintJunit(report),
  };
  const files = LINT_REPORT_FILES.map((name) => join(apiDir, name));
  await Promise.all(
    LINT_REPORT_FILES.map((name, i) => writeFileAtomic(/** @type {string} */ (files[i]), contents[name])),
  );
  return files;
}
