// @ts-check
// What every lint report is rendered from: one API's lint outcome, with paths relative to the repository root.
import { relative, resolve, sep } from "node:path";

/** @typedef {import("../cli/pipeline.js").BuildResult} BuildResult */
/** @typedef {import("../lint/findings.js").Finding} Finding */

/**
 * @typedef {object} LintReport
 * @property {string} api the API's name under `apis:`
 * @property {string} dir the name of its directory under `reports/`
 * @property {string} root the spec's root file, relative to the repository root (POSIX separators)
 * @property {Finding[]} findings every problem, `file` relative to the repository root
 * @property {{ error: number, warn: number }} counts
 * @property {boolean} passed no lint error and the API was generated
 * @property {string | undefined} failure why the API failed, when it did (e.g. "lint errors")
 * @property {string} verdict one line for people, e.g. "✗ authlete-token: lint failed: 2 errors, 0 warnings"
 */

/**
 * Turns a pipeline result into the report model. Nothing is linted again: the findings are the ones
 * `buildApi` returned; only their paths are re-based from `cwd` onto the repository root (the
 * directory of the Redocly config), which is what code scanning and pull-request annotations expect.
 * @param {BuildResult} result
 * @param {{ cwd: string, repoRoot: string }} paths
 * @returns {LintReport}
 */
export function toLintReport(result, { cwd, repoRoot }) {
  const findings = result.findings.map((f) => ({
    ...f,
    file: f.file ? toRepoPath(resolve(cwd, f.file), repoRoot) : "",
  }));
  const counts = {
    error: findings.filter((f) => f.severity === "error").length,
    warn: findings.filter((f) => f.severity === "warn").length,
  };
  const passed = result.code !== undefined && counts.error === 0;
  return {
    api: result.api.name,
    dir: reportDirName(result.api.name),
    root: toRepoPath(result.api.root, repoRoot),
    findings,
    counts,
    passed,
    failure: result.failure,
    verdict: verdictLine(result.api.name, passed, counts, result.failure),
  };
}

/**
 * @param {string} name
 * @param {boolean} passed
 * @param {{ error: number, warn: number }} counts
 * @param {string | undefined} failure
 */
function verdictLine(name, passed, counts, failure) {
  const tally = `${plural(counts.error, "error")}, ${plural(counts.warn, "warning")}`;
  if (passed) {
    return counts.warn === 0 ? `✓ ${name}: lint passed, no problems` : `✓ ${name}: lint passed with ${tally}`;
  }
  if (counts.error > 0) return `✗ ${name}: lint failed: ${tally}`;
  return `✗ ${name}: failed: ${failure ?? "unknown error"}`;
}

/**
 * @param {number} n
 * @param {string} word
 */
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * A path relative to the repository root with `/` separators; files outside it stay absolute.
 * @param {string} absolute
 * @param {string} repoRoot
 */
export function toRepoPath(absolute, repoRoot) {
  const rel = relative(repoRoot, absolute);
  if (rel === "" || rel.startsWith("..")) return absolute.split(sep).join("/");
  return rel.split(sep).join("/");
}

/**
 * The directory of an API's reports: its name, with anything that is not safe in a path segment
 * replaced.
 * @param {string} name
 */
export function reportDirName(name) {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, "_");
  return safe === "." || safe === ".." ? `_${safe}` : safe;
}
