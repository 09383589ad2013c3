// @ts-check
// The spec, already resolved and linted, to TypeScript: bundled once with Redocly's openapi-core
// through the lint's own resolver (its cache holds every file the lint parsed, so nothing is read
// or parsed twice), then handed to openapi-typescript as a document, so it does not read the file
// again either. One parsed copy of the spec at a time keeps memory near the CLIs'.
import { createHash } from "node:crypto";
import { loadDeps } from "./deps.js";

/**
 * The TypeScript, the SHA-256 of the bundled spec it was made from, and every file the spec is
 * made of.
 * @typedef {{ code: string, hash: string, files: string[] }} Compiled
 */

/** @type {Promise<{ bundle: import("@redocly/openapi-core").Config, types: any }> | undefined} */
let configs;

/**
 * Rule-less configs: the lint that decides whether the output is used is the caller's, with the
 * project's rules; bundling and openapi-typescript's own check must not lint again.
 */
function emptyConfigs() {
  configs ??= loadDeps().then(async ({ core, otsCore }) => ({
    bundle: await core.createConfig({ extends: [], rules: {} }),
    types: await otsCore.createConfig({ extends: [], rules: {} }),
  }));
  return configs;
}

/**
 * Bundles the spec at `root` into one document and turns it into TypeScript source.
 * @param {string} root absolute path of the spec's root file
 * @param {import("openapi-typescript").OpenAPITSOptions} options
 * @param {import("@redocly/openapi-core").BaseResolver & { refused: string[] }} resolver the guarded
 *   resolver the lint used (see read/spec-guard.js)
 * @returns {Promise<Compiled>}
 */
export async function compileTypeScript(root, options, resolver) {
  const [{ core, ots }, config] = await Promise.all([loadDeps(), emptyConfigs()]);
  const bundled = await core.bundle({
    ref: root,
    config: config.bundle,
    dereference: false,
    externalRefResolver: resolver,
  });
  if (resolver.refused.length > 0) throw new Error(`refused $ref: ${resolver.refused[0]}`);
  const problem = bundled.problems.find((p) => p.severity === "error");
  if (problem) throw new Error(problem.message);
  const document = /** @type {import("openapi-typescript").OpenAPI3} */ (bundled.bundle.parsed);
  const hash = createHash("sha256").update(JSON.stringify(document)).digest("hex");
  // openapi-typescript keeps the enums of `dedupeEnums` in a module-wide cache that it never
  // clears: left as is, an API would get the enums of the one generated before it.
  ots.enumCache.clear();
  // With `redocly` set, openapiTS uses this (rule-less) config instead of linting again.
  const code = ots.astToString(await ots.default(document, { ...options, redocly: config.types }));
  return { code, hash, files: [...bundled.fileDependencies] };
}
