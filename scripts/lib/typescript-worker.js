// @ts-check
// Worker thread that turns a spec into TypeScript with openapi-typescript, while the main thread
// lints the same spec with Redocly: on two cores, type generation and lint run side by side
// instead of one after the other.
//
// It starts importing openapi-typescript (and with it TypeScript, the slowest import of the
// pipeline) the moment it boots. It bundles the spec with the `@redocly/openapi-core` that
// openapi-typescript already loads (so no second copy is imported), and hands openapiTS that
// bundle with an empty rule set: the lint that decides whether the output is used is the main
// thread's, with the project's own rules.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { parentPort } from "node:worker_threads";
import { createSpecResolver, describeSpecError } from "./spec-guard.js";

const loading = (async () => {
  const ots = await import("openapi-typescript");
  /** @type {typeof import("@redocly/openapi-core")} */
  const core = createRequire(import.meta.resolve("openapi-typescript"))("@redocly/openapi-core");
  const config = await core.createConfig({ extends: [], rules: {} });
  return { ots, core, config };
})();
loading.catch(() => {}); // reported to the first request instead

parentPort?.on(
  "message",
  /** @param {{ id: number, root: string, options: import("openapi-typescript").OpenAPITSOptions, policy: import("./spec-guard.js").SpecPolicy }} request */
  async ({ id, root, options, policy }) => {
    try {
      const { ots, core, config } = await loading;
      // The same read policy as the lint: no fetch, no file outside the spec folder, size cap, UTF-8.
      const externalRefResolver = createSpecResolver(core, policy);
      const bundled = await core.bundle({ ref: root, config, dereference: false, externalRefResolver });
      if (externalRefResolver.refused.length > 0) throw new Error(`refused $ref: ${externalRefResolver.refused[0]}`);
      const problem = bundled.problems.find((p) => p.severity === "error");
      if (problem) throw new Error(problem.message);
      const document = /** @type {import("openapi-typescript").OpenAPI3} */ (bundled.bundle.parsed);
      const hash = createHash("sha256").update(JSON.stringify(document)).digest("hex");
      // openapi-typescript keeps the enums of `dedupeEnums` in a module-wide cache that it never
      // clears: left as is, an API would get the enums of the one generated before it.
      ots.enumCache.clear();
      // With `redocly` set, openapiTS uses this (rule-less) config instead of linting again.
      const code = ots.astToString(await ots.default(document, { ...options, redocly: /** @type {any} */ (config) }));
      parentPort?.postMessage({ id, code, hash, files: [...bundled.fileDependencies] });
    } catch (error) {
      const stack = error instanceof Error ? error.stack : undefined;
      parentPort?.postMessage({ id, error: describeSpecError(error, root, policy.cwd), stack });
    }
  },
);
