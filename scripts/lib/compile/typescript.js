// @ts-check
// The spec, already resolved and linted, to TypeScript: bundled once with Redocly's openapi-core
// through the lint's own resolver (its cache holds every file the lint parsed, so nothing is read
// or parsed twice), then handed to openapi-typescript as a document, so it does not read the file
// again either. One parsed copy of the spec at a time keeps memory near the CLIs'. The document
// goes straight to openapi-typescript's transform: its `openapiTS()` would first lint it again
// (rule-less, but still a resolve and a walk of the whole spec) and bundle it again with its own
// openapi-core 1, ~15 % of a large spec's run for a document that is already linted and bundled.
import { createHash } from "node:crypto";
import { loadDeps } from "../build/deps.js";

/**
 * The TypeScript, the SHA-256 of the bundled spec it was made from, and every file the spec is
 * made of.
 * @typedef {{ code: string, hash: string, files: string[] }} Compiled
 */

/** @type {Promise<import("@redocly/openapi-core").Config> | undefined} */
let bundleConfig;

/**
 * A rule-less config: the lint that decides whether the output is used is the caller's, with the
 * project's rules; bundling must not lint again.
 */
function emptyConfig() {
  bundleConfig ??= loadDeps().then(({ core }) => core.createConfig({ extends: [], rules: {} }));
  return bundleConfig;
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
  const [{ core, ots }, config] = await Promise.all([loadDeps(), emptyConfig()]);
  const bundled = await core.bundle({
    ref: root,
    config,
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
  const code = ots.astToString(ots.transformSchema(document, transformContext(ots, document, options)));
  return { code, hash, files: [...bundled.fileDependencies] };
}

/**
 * The context `openapiTS()` (openapi-typescript 7, dist/index.mjs) builds for its transform, with
 * the same defaults, so the output is the same byte for byte (test/parity.test.ts compares it with
 * the CLI's). Its `redoc` entry is left out: only the lint and bundle skipped here read it.
 * @param {typeof import("openapi-typescript")} ots
 * @param {import("openapi-typescript").OpenAPI3} schema
 * @param {import("openapi-typescript").OpenAPITSOptions} options
 * @returns {import("openapi-typescript").GlobalContext}
 */
function transformContext(ots, schema, options) {
  const fn = (/** @type {unknown} */ f) => (typeof f === "function" ? f : undefined);
  const silent = options.silent ?? false;
  const context = {
    additionalProperties: options.additionalProperties ?? false,
    alphabetize: options.alphabetize ?? false,
    arrayLength: options.arrayLength ?? false,
    defaultNonNullable: options.defaultNonNullable ?? true,
    discriminators: ots.scanDiscriminators(schema, options),
    emptyObjectsUnknown: options.emptyObjectsUnknown ?? false,
    enum: options.enum ?? false,
    enumValues: options.enumValues ?? false,
    conditionalEnums: options.conditionalEnums ?? false,
    dedupeEnums: options.dedupeEnums ?? false,
    excludeDeprecated: options.excludeDeprecated ?? false,
    exportType: options.exportType ?? false,
    immutable: options.immutable ?? false,
    rootTypes: options.rootTypes ?? false,
    rootTypesNoSchemaPrefix: options.rootTypesNoSchemaPrefix ?? false,
    rootTypesKeepCasing: options.rootTypesKeepCasing ?? false,
    injectFooter: [],
    pathParamsAsTypes: options.pathParamsAsTypes ?? false,
    postTransform: fn(options.postTransform),
    propertiesRequiredByDefault: options.propertiesRequiredByDefault ?? false,
    silent,
    inject: options.inject ?? undefined,
    transform: fn(options.transform),
    transformProperty: fn(options.transformProperty),
    makePathsEnum: options.makePathsEnum ?? false,
    generatePathParams: options.generatePathParams ?? false,
    readWriteMarkers: options.readWriteMarkers ?? false,
    resolve: (/** @type {string} */ $ref) => ots.resolveRef(schema, $ref, { silent }),
  };
  return /** @type {import("openapi-typescript").GlobalContext} */ (/** @type {unknown} */ (context));
}
