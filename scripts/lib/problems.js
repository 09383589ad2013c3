// @ts-check
import { relative } from "node:path";
import { docsUrlFor } from "./findings.js";

export { docsUrlFor, formatFinding } from "./findings.js";

/** @typedef {import("@redocly/openapi-core").NormalizedProblem} NormalizedProblem */
/** @typedef {import("./findings.js").Finding} Finding */

/**
 * @param {NormalizedProblem} problem
 * @param {string} cwd
 * @param {Pick<typeof import("@redocly/openapi-core"), "getLineColLocation">} core the openapi-core
 *   that made the problem (see deps.js)
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
