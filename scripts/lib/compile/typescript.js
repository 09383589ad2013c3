// @ts-check
// The types stage: a bundled document to TypeScript through openapi-typescript's Node API,
// `openapiTS()` and `astToString()`, as documented at https://openapi-ts.dev/node. The document is
// passed as an object with a rule-less Redocly config (the documented `redocly` option), because
// the lint that decides whether the output is used already ran with the project's rules:
// openapiTS() still parses, walks and bundles it again, a cost measured in bench/RESULTS.md.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import openapiTS, { astToString } from "openapi-typescript";
import { escapeLineSeparators, rewriteComments } from "./comments.js";

/** @typedef {import("../config/load.js").TypeScriptOptions} TypeScriptOptions */

/** @type {Promise<unknown> | undefined} */
let redoclyConfig;

/**
 * A rule-less config of the openapi-core that openapi-typescript itself depends on (its
 * `redocly` option takes that version's config, which is not the project's openapi-core 2).
 */
function ruleless() {
  redoclyConfig ??= (() => {
    const require = createRequire(import.meta.resolve("openapi-typescript"));
    /** @type {{ createConfig: (raw: object) => Promise<unknown> }} */
    const core = require("@redocly/openapi-core");
    return core.createConfig({ extends: [], rules: {} });
  })();
  return redoclyConfig;
}

/**
 * The TypeScript of one bundled document, with the API's options. `dedupeEnums` keeps its enums
 * in a cache of openapi-typescript's module that lives as long as the module: an API compiled
 * with it runs in a worker thread of its own (a fresh module), so it never gets the enums of an
 * API compiled before it, and nothing of openapi-typescript's module state is touched.
 * @param {Record<string, unknown>} document the bundled spec
 * @param {TypeScriptOptions} options
 * @returns {Promise<string>}
 */
export function compileTypeScript(document, options) {
  if (options.dedupeEnums) return inWorker(document, options);
  return toTypeScript(document, options);
}

/**
 * @param {Record<string, unknown>} document
 * @param {TypeScriptOptions} options
 * @returns {Promise<string>}
 */
export async function toTypeScript(document, options) {
  /** @type {import("openapi-typescript").OpenAPITSOptions} */
  const settings = { ...options, silent: true };
  settings.redocly = /** @type {NonNullable<typeof settings.redocly>} */ (await ruleless());
  const nodes = await openapiTS(
    /** @type {import("openapi-typescript").OpenAPI3} */ (/** @type {unknown} */ (document)),
    settings,
  );
  rewriteComments(nodes);
  return escapeLineSeparators(astToString(nodes));
}

/**
 * Runs `toTypeScript` in a worker thread (see `compileTypeScript`).
 * @param {Record<string, unknown>} document
 * @param {TypeScriptOptions} options
 * @returns {Promise<string>}
 */
function inWorker(document, options) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./typescript-worker.js", import.meta.url), {
      workerData: { document, options },
    });
    worker.once("message", (/** @type {{ code?: string, error?: { message: string, stack?: string } }} */ reply) => {
      if (reply.code !== undefined) resolve(reply.code);
      else reject(Object.assign(new Error(reply.error?.message), { stack: reply.error?.stack }));
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the types worker stopped (exit code ${code})`)));
  });
}
