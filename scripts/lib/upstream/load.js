// @ts-check
// Reads a spec for the upstream comparison through the generator's guarded reading (read/spec-guard.js):
// the same size cap, UTF-8 check, folder rule and refusal of remote `$ref`s, the same one-line
// `file:line:col: reason` messages. Redocly's bundler then inlines every file into one document
// whose `$ref`s all point inside it, so the comparer only ever follows `#/...` pointers.
import { basename, relative, sep } from "node:path";
import * as core from "@redocly/openapi-core";
import { unescapePointerFragment } from "@redocly/openapi-core";
import { ReadRuleError, SpecInputError } from "../errors.js";
import { keyPosition } from "../read/position.js";
import {
  checkRootDocument,
  createSpecResolver,
  describeSpecError,
  displayPath,
  specPolicy,
} from "../read/spec-guard.js";
import { nodeAt } from "./schema-view.js";

/**
 * A spec bundled into one document.
 * @typedef {object} LoadedSpec
 * @property {string} file absolute path of the root file
 * @property {string} shown the path as messages print it
 * @property {Record<string, any>} document the bundled document (internal `$ref`s only)
 * @property {(pointer: string, base: string) => string | undefined} locate where a pointer of the
 *   bundled document is in the source files, as `file:line:col` with the file relative to `base`
 */

/**
 * @param {string} root absolute path of the root file
 * @param {{ cwd: string, settings: import("../lint/lint.js").ReadSettings, config?: import("@redocly/openapi-core").Config }} options
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
    checkRootDocument(document, (pointer) => keyPosition(core, document.source, pointer), cwd);
    const { bundle, problems } = await core.bundle({
      ref: root,
      config: apiConfig,
      externalRefResolver: resolver,
      dereference: false,
    });
    if (resolver.refused.length > 0) throw new ReadRuleError(/** @type {string} */ (resolver.refused[0]));
    const unresolved = problems.find((p) => p.ruleId === "no-unresolved-refs" && p.severity === "error");
    if (unresolved) throw new SpecInputError(describeProblem(unresolved, cwd));
    return {
      file: root,
      shown: displayPath(root, cwd),
      document: /** @type {Record<string, any>} */ (bundle.parsed),
      locate: await locator(resolver, document),
    };
  } catch (error) {
    if (error instanceof SpecInputError) throw error;
    throw new SpecInputError(describeSpecError(error, root, cwd), { cause: error });
  }
}

/**
 * Maps pointers of the bundled document back to the files they came from: the root file's own
 * nodes, and components the bundler named after their files (`#/components/schemas/TokenInfo/...`
 * is in `.../TokenInfo.yaml`). Anything else (a path item inlined from its file) is not located.
 * @param {import("@redocly/openapi-core").BaseResolver} resolver
 * @param {import("@redocly/openapi-core").Document} rootDocument
 */
async function locator(resolver, rootDocument) {
  /** @type {Map<string, import("@redocly/openapi-core").Document | undefined>} */
  const byName = new Map();
  for (const loaded of await Promise.all(resolver.cache.values())) {
    if (loaded instanceof Error || loaded === rootDocument) continue;
    const name = basename(loaded.source.absoluteRef).replace(/\.(ya?ml|json)$/i, "");
    // Two files of the same name: the bundler renamed one; say nothing rather than guess.
    byName.set(name, byName.has(name) ? undefined : loaded);
  }
  return (/** @type {string} */ pointer, /** @type {string} */ base) => {
    const component = /^#\/components\/schemas\/([^/]+)(.*)$/.exec(pointer);
    const file = component ? byName.get(unescapePointerFragment(component[1] ?? "")) : undefined;
    const [source, inner] = file ? [file, `#${component?.[2] ?? ""}`] : [rootDocument, pointer];
    if (nodeAt(source.parsed, inner) === undefined) return undefined;
    try {
      const { start } = core.getLineColLocation({ source: source.source, pointer: inner, reportOnKey: true });
      const shown = relative(base, source.source.absoluteRef).split(sep).join("/");
      return `${shown}:${start.line}:${start.col}`;
    } catch {
      return undefined;
    }
  };
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
