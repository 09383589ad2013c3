// @ts-check
// lint.sarif: SARIF 2.1.0 for GitHub code scanning, built with node-sarif-builder.
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { SarifBuilder, SarifResultBuilder, SarifRuleBuilder, SarifRunBuilder } from "node-sarif-builder";
import { packageVersion } from "../versions.js";

/** @typedef {import("./model.js").LintReport} LintReport */
/** @typedef {import("../lint/findings.js").Finding} Finding */

/** Redocly's severities in SARIF's words. */
const LEVELS = /** @type {const} */ ({ error: "error", warn: "warning" });

/**
 * @param {Finding["severity"] | string} severity
 * @returns {"error" | "warning" | "note"}
 */
export function sarifLevel(severity) {
  return severity === "error" || severity === "warn" ? LEVELS[severity] : "note";
}

/**
 * One run (tool: Redocly's OpenAPI linter) with one `reportingDescriptor` per rule that fired and
 * one result per problem. Locations are relative to the repository root and marked with the
 * `%SRCROOT%` base, which is how code scanning maps them onto the checkout.
 * @param {LintReport} report
 * @returns {string}
 */
export function renderLintSarif(report) {
  const sarif = new SarifBuilder();
  const run = new SarifRunBuilder().initSimple({
    toolDriverName: "Redocly OpenAPI lint",
    toolDriverVersion: packageVersion("@redocly/openapi-core"),
    url: "https://redocly.com/docs/cli/commands/lint",
  });
  /** @type {Map<string, string | undefined>} */
  const rules = new Map();
  for (const f of report.findings) if (!rules.has(f.ruleId)) rules.set(f.ruleId, f.docsUrl);
  for (const [ruleId, helpUri] of [...rules].sort(([a], [b]) => a.localeCompare(b))) {
    const rule = new SarifRuleBuilder().initSimple({
      ruleId,
      shortDescriptionText: `Redocly rule ${ruleId}`,
      ...(helpUri ? { helpUri } : {}),
    });
    run.addRule(rule);
  }
  for (const f of report.findings) {
    const result = new SarifResultBuilder().initSimple({
      level: sarifLevel(f.severity),
      messageText: f.message,
      ruleId: f.ruleId,
      ...(f.file ? { fileUri: toUri(f.file) } : {}),
    });
    if (f.file) {
      const physical = result.result.locations?.[0]?.physicalLocation;
      if (physical?.artifactLocation && !isAbsolute(f.file)) physical.artifactLocation.uriBaseId = "%SRCROOT%";
      // Only the start is known; an explicit end would have to be invented.
      result.setLocationRegion({ startLine: f.line, startColumn: f.column });
      if (f.pointer) {
        const location = result.result.locations?.[0];
        if (location) location.logicalLocations = [{ fullyQualifiedName: f.pointer, kind: "member" }];
      }
    }
    run.addResult(result);
  }
  // Several APIs may be uploaded together: code scanning needs each run told apart.
  run.run.automationDetails = { id: `redocly-lint/${report.api}/` };
  if (report.failure && report.findings.length === 0) {
    run.run.invocations = [
      {
        executionSuccessful: false,
        toolExecutionNotifications: [{ level: "error", message: { text: report.failure } }],
      },
    ];
  }
  sarif.addRun(run);
  const log = sarif.buildSarifOutput();
  log.$schema = "https://json.schemastore.org/sarif-2.1.0.json";
  return `${JSON.stringify(log, null, 2)}\n`;
}

/**
 * A repository path as a SARIF URI reference: each segment percent-encoded (`{serviceId}` becomes
 * `%7BserviceId%7D`, which the SARIF schema's `uri-reference` format requires). A file outside the
 * repository keeps its absolute location as a `file:` URL.
 * @param {string} file
 */
export function toUri(file) {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split("/").map(encodeURIComponent).join("/");
}
