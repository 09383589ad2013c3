// @ts-check
// Reads a spec for the upstream comparison through the generator's guarded reading (spec-guard.js):
// the same size cap, UTF-8 check, folder rule and refusal of remote `$ref`s, the same one-line
// `file:line:col: reason` messages. Redocly's bundler then inlines every file into one document
// whose `$ref`s all point inside it, so the comparer only ever follows `#/...` pointers.
import * as core from "@redocly/openapi-core";
import {
  checkRootDocument,
  createSpecResolver,
  describeSpecError,
  displayPath,
  ReadRuleError,
  SpecInputError,
  specPolicy,
} from "../spec-guard.js";

/**
 * A spec bundled into one document.
 * @typedef {object} LoadedSpec
 * @property {string} file absolute path of the root file
 * @property {string} shown the path as messages print it
 * @property {Record<string, any>} document the bundled document (internal `$ref`s only)
 */

/**
 * @param {string} root absolute path of the root file
 * @param {{ cwd: string, settings: import("../pipeline.js").ReadSettings, config?: import("@redocly/openapi-core").Config }} options
 *   `config`: the API's Redocly config (its `resolve` settings and decorators); none for a vendor spec
 * @returns {Promise<LoadedSpec>}
 */
export async function loadSpec(root, { cwd, settings, config }) {
  const policy = {
    ...(await specPolicy(root, { ...settings, cwd })),
    remoteHint: "allow them with x-authlete-token.allow-remote-refs: true in the config",
  };
  const apiConfig = config ?? (await core.createConfig({}));
  const resolver = createSpecResolver(core, policy, apiConfig.resolve);
  try {
    const document = await resolver.resolveDocument(null, root, true);
    if (document instanceof Error) throw document;
    checkRootDocument(document, (pointer) => keyPosition(document.source, pointer), cwd);
    const { bundle, problems } = await core.bundle({
      ref: root,
      config: apiConfig,
      externalRefResolver: resolver,
      dereference: false,
    });
    if (resolver.refused.length > 0) throw new ReadRuleError(/** @type {string} */ (resolver.refused[0]));
    const unresolved = problems.find((p) => p.ruleId === "no-unresolved-refs" && p.severity === "error");
    if (unresolved) throw new SpecInputError(describeProblem(unresolved, cwd));
    return { file: root, shown: displayPath(root, cwd), document: /** @type {Record<string, any>} */ (bundle.parsed) };
  } catch (error) {
    if (error instanceof SpecInputError) throw error;
    throw new SpecInputError(describeSpecError(error, root, cwd), { cause: error });
  }
}

/**
 * `file:line:col: message` of a bundling problem.
 * @param {import("@redocly/openapi-core").NormalizedProblem} problem
 * @param {string} cwd
 */
function describeProblem(problem, cwd) {
  const location = problem.location[0];
  if (!location) return problem.message;
  const shown = displayPath(location.source.absoluteRef, cwd);
  try {
    const { start } = core.getLineColLocation(location);
    return `${shown}:${start.line}:${start.col}: ${problem.message}`;
  } catch {
    return `${shown}: ${problem.message}`;
  }
}

/**
 * The 1-based line and column of a key of a parsed file.
 * @param {import("@redocly/openapi-core").Source} source
 * @param {string} pointer
 */
function keyPosition(source, pointer) {
  try {
    const { start } = core.getLineColLocation({ source, pointer, reportOnKey: true });
    return { line: start.line, col: start.col };
  } catch {
    return { line: 1, col: 1 };
  }
}
