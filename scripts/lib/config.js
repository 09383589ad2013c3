// @ts-check
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Raised for problems with how the command was called (exit code 2). */
export class UsageError extends Error {
  /** @override */
  name = "UsageError";
}

/**
 * One API of the Redocly config, with paths made absolute.
 * @typedef {object} ApiEntry
 * @property {string} name the key under `apis:`
 * @property {string} root absolute path of the spec's root file
 * @property {string} output absolute path of the generated TypeScript file
 */

/**
 * Reads a `redocly.yaml` and lists its APIs. Paths in the file are relative to the file, the
 * convention shared by Redocly and openapi-typescript (`apis.<name>.x-openapi-ts.output`); an
 * API without an output gets `generated/<name>.ts`.
 * @param {string} configPath
 */
export async function loadApis(configPath) {
  const absolute = resolve(configPath);
  if (!existsSync(absolute)) throw new UsageError(`config file not found: ${configPath}`);
  const { loadConfig } = await import("@redocly/openapi-core");
  const config = await loadConfig({ configPath: absolute });
  const dir = dirname(absolute);
  const rawApis = config.resolvedConfig.apis ?? {};
  /** @type {ApiEntry[]} */
  const apis = Object.entries(rawApis).map(([name, api]) => {
    const tsOptions = /** @type {{ output?: unknown } | undefined} */ (api["x-openapi-ts"]);
    const output = typeof tsOptions?.output === "string" ? tsOptions.output : `generated/${name}.ts`;
    return { name, root: resolve(dir, api.root), output: resolve(dir, output) };
  });
  if (apis.length === 0) throw new UsageError(`no APIs under "apis:" in ${configPath}`);
  return { config, configPath: absolute, configDir: dir, apis };
}
