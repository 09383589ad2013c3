// @ts-check
// The lint stage: reads one API's spec through the read rules and lints it with the config's
// rules for that API (as `redocly lint <api>` does). Its resolver, with every file it parsed, is
// handed on so the next stage reads and parses nothing twice.
import * as core from "@redocly/openapi-core";
import { ReadRuleError } from "../errors.js";
import { keyPosition } from "../read/position.js";
import { checkRootDocument, createSpecResolver, describeSpecError, specPolicy } from "../read/spec-guard.js";
import { toFinding } from "./findings.js";

/** @typedef {import("../config/load.js").ApiEntry} ApiEntry */
/** @typedef {import("./findings.js").Finding} Finding */
/** @typedef {ReturnType<typeof createSpecResolver>} SpecResolver */

/**
 * What may be read (see read/spec-guard.js).
 * @typedef {{ maxSpecSize: number, allowRemoteRefs: boolean }} ReadSettings
 */

/**
 * The lint of one API: its problems (turned into findings on demand, see `findings`), or why the
 * spec could not be read at all.
 * @typedef {{ ok: true, resolver: SpecResolver, problems: import("@redocly/openapi-core").NormalizedProblem[], findings: () => Finding[] }
 *   | { ok: false, failure: string, error: unknown, refused: boolean }} LintOutcome
 */

/**
 * Lints the API at `api.root` with the rules `config` gives it.
 * @param {ApiEntry} api
 * @param {import("@redocly/openapi-core").Config} config
 * @param {{ cwd: string, settings: ReadSettings }} context
 * @returns {Promise<LintOutcome>}
 */
export async function lintApi(api, config, { cwd, settings }) {
  // Lint and bundle read the spec through this policy: no remote fetch, no file outside the spec
  // folder, nothing over the size cap, nothing that is not UTF-8.
  const policy = await specPolicy(api.root, { ...settings, cwd });
  const apiConfig = config.forAlias(api.name);
  const resolver = createSpecResolver(core, policy, apiConfig.resolve);
  try {
    const document = await resolver.resolveDocument(null, api.root, true);
    if (document instanceof Error) throw document;
    checkRootDocument(document, (pointer) => keyPosition(core, document.source, pointer), cwd);
    const problems = await core.lint({ ref: api.root, config: apiConfig, externalRefResolver: resolver });
    // A problem's line and column make Redocly build a YAML AST of its whole file (hundreds of MB
    // for a 13 MB spec): findings are made on demand, once the types are made and the parsed
    // files let go, so the AST and openapi-typescript's work are never in memory together.
    const findings = () => unique(problems.map((p) => toFinding(p, cwd, core)));
    return { ok: true, resolver, problems, findings };
  } catch (error) {
    return {
      ok: false,
      failure: describeSpecError(error, api.root, cwd),
      error,
      refused: error instanceof ReadRuleError || resolver.refused.length > 0,
    };
  }
}

/**
 * Redocly reports a file that fails to parse once per `$ref` to it; one line each is enough.
 * @param {Finding[]} findings
 */
function unique(findings) {
  const seen = new Set();
  return findings.filter((f) => {
    const key = `${f.file}:${f.line}:${f.column}:${f.ruleId}:${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
