// @ts-check
// Lint findings as plain data, how they print, and how a Redocly problem becomes one. No Redocly
// import here (the openapi-core that made a problem is passed in): the CLI loads this module on
// every run, including the no-op ones that never lint.
import { relative } from "node:path";
import { terminalText } from "../text/escape.js";

/** @typedef {import("@redocly/openapi-core").NormalizedProblem} NormalizedProblem */

/**
 * A lint problem reduced to what a person (or a report) needs to find and fix it.
 * @typedef {object} Finding
 * @property {string} ruleId
 * @property {"error" | "warn"} severity
 * @property {string} message
 * @property {string} file path of the offending file, relative to `cwd`
 * @property {number} line 1-based
 * @property {number} column 1-based
 * @property {string} pointer JSON pointer inside that file
 * @property {string | undefined} docsUrl where the rule is documented
 */

/**
 * Redocly documents each built-in rule at a stable address (a dot in the id becomes a dash:
 * `no-server-example.com` is at `.../no-server-example-com`); plugin rules (`plugin/rule`) have none.
 * Used when a problem carries no `reference` of its own.
 * @param {string} ruleId
 */
export function docsUrlFor(ruleId) {
  return ruleId.includes("/") ? undefined : `https://redocly.com/docs/cli/rules/oas/${ruleId.replaceAll(".", "-")}`;
}

/**
 * One line per finding, the shape compilers use so editors and terminals can jump to it.
 * @param {Finding} f
 */
export function formatFinding(f) {
  // The file, rule and message quote the spec: one line, nothing a terminal or CI log would obey.
  return terminalText(
    `${f.file}:${f.line}:${f.column} ${f.severity === "error" ? "error" : "warning"} ${f.ruleId} ${f.message}`,
  );
}

/**
 * @param {NormalizedProblem} problem
 * @param {string} cwd
 * @param {Pick<typeof import("@redocly/openapi-core"), "getLineColLocation">} core the openapi-core
 *   that made the problem
 * @returns {Finding}
 */
export function toFinding(problem, cwd, core) {
  const location = problem.location[0];
  let file = "";
  let line = 1;
  let column = 1;
  let pointer = "";
  if (location) {
    file = relative(cwd, location.source.absoluteRef) || location.source.absoluteRef;
    pointer = location.pointer ?? "";
    try {
      const { start } = core.getLineColLocation(location);
      line = start.line;
      column = start.col;
    } catch {
      // A problem without a usable position (e.g. an unparsable file) still names the file.
    }
  }
  return {
    ruleId: problem.ruleId,
    severity: problem.severity === "error" ? "error" : "warn",
    message: problem.message,
    file,
    line,
    column,
    pointer,
    docsUrl: problem.reference ?? docsUrlFor(problem.ruleId),
  };
}
