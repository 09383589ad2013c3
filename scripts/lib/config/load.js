// @ts-check
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import * as core from "@redocly/openapi-core";
import { SpecInputError, UsageError } from "../errors.js";
import { formatFinding } from "../lint/findings.js";
import { parseSize } from "../read/size.js";
import { createSpecResolver, DEFAULT_MAX_SPEC_SIZE, describeSpecError } from "../read/spec-guard.js";

/**
 * One API of the Redocly config, with paths made absolute.
 * @typedef {object} ApiEntry
 * @property {string} name the key under `apis:`
 * @property {string} root absolute path of the spec's root file
 * @property {string} output absolute path of the generated TypeScript file
 * @property {TypeScriptOptions} options the openapi-typescript options of `apis.<name>.x-openapi-ts`,
 *   only those the config sets (openapi-typescript applies its own defaults to the rest)
 * @property {string | undefined} [requestSchemas] absolute path of the request schemas of the fake
 *   Authlete (`apis.<name>.x-authlete-token.request-schemas`), when the API asks for them
 */

/**
 * The options of openapi-typescript's Node API that `apis.<name>.x-openapi-ts` accepts next to
 * `output`, each with its type: every one that is data rather than a function, spelled as the API
 * spells them. The CLI's flag for each is its kebab-case name (`rootTypesNoSchemaPrefix` →
 * `--root-types-no-schema-prefix`), except `inject`, which the CLI has no flag for. Left out on
 * purpose: `cwd`, `redocly` and `silent`, which are this generator's to set.
 * @see https://openapi-ts.dev/node#options
 */
export const TYPESCRIPT_OPTIONS = Object.freeze({
  additionalProperties: "boolean",
  alphabetize: "boolean",
  arrayLength: "boolean",
  conditionalEnums: "boolean",
  dedupeEnums: "boolean",
  defaultNonNullable: "boolean",
  emptyObjectsUnknown: "boolean",
  enum: "boolean",
  enumValues: "boolean",
  excludeDeprecated: "boolean",
  exportType: "boolean",
  generatePathParams: "boolean",
  immutable: "boolean",
  inject: "string",
  makePathsEnum: "boolean",
  pathParamsAsTypes: "boolean",
  propertiesRequiredByDefault: "boolean",
  readWriteMarkers: "boolean",
  rootTypes: "boolean",
  rootTypesKeepCasing: "boolean",
  rootTypesNoSchemaPrefix: "boolean",
});

/** @typedef {Pick<import("openapi-typescript").OpenAPITSOptions, keyof typeof TYPESCRIPT_OPTIONS>} TypeScriptOptions */

/**
 * What the command line says about reading specs; undefined: take the config's setting or the default.
 * @typedef {{ maxSpecSize?: number | undefined, allowRemoteRefs?: boolean | undefined }} ReadOverrides
 */

/**
 * Reads a `redocly.yaml` and lists its APIs. Paths in the file are relative to the file, the
 * convention shared by Redocly and openapi-typescript (`apis.<name>.x-openapi-ts.output`); an
 * API without an output gets `generated/<name>.ts`. The config is read under the same rules as
 * specs (size cap, UTF-8, no remote `extends` unless --allow-remote-refs) and checked against
 * Redocly's config schema: a broken config is bad input (exit 1, file and line); a relative output
 * that leads outside the config's folder is a usage error (exit 2).
 * @param {string} configPath
 * @param {ReadOverrides} [overrides]
 */
export async function loadApis(configPath, overrides = {}) {
  const absolute = resolve(configPath);
  if (!existsSync(absolute)) throw new UsageError(`config file not found: ${configPath}`);
  const cwd = process.cwd();
  const resolver = createSpecResolver(core, {
    maxSpecSize: overrides.maxSpecSize ?? DEFAULT_MAX_SPEC_SIZE,
    allowRemoteRefs: overrides.allowRemoteRefs ?? false,
    folder: undefined, // a config may extend a shared one elsewhere on disk
    root: absolute,
    cwd,
    // The config's own setting is not known before the config is read.
    remoteHint: "a config's remote extends are fetched only with --allow-remote-refs",
  });
  let config;
  try {
    config = await core.loadConfig({ configPath: absolute, externalRefResolver: resolver });
  } catch (error) {
    let where = describeSpecError(error, absolute, cwd);
    // "Invalid config no-such-ruleset: ..." has no position: the name's first line in the file is it.
    const name = /^Invalid config (\S+):/.exec(error instanceof Error ? error.message : "")?.[1];
    const line = name === undefined ? undefined : lineOf(absolute, name);
    if (line !== undefined) where = where.replace(/^([^:]+):/, `$1:${line}:`);
    throw new SpecInputError(`invalid config: ${where}`);
  }
  const problems = await core.lintConfig({ config, externalRefResolver: resolver }).catch(() => []);
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length > 0) {
    const { toFinding } = await import("../lint/findings.js");
    const lines = errors.map((p) => formatFinding(toFinding(p, cwd, core)));
    throw new SpecInputError(`invalid config ${relative(cwd, absolute) || absolute}:\n${lines.join("\n")}`);
  }
  const dir = dirname(absolute);
  const settings = readSettings(config, absolute, overrides, core, cwd);
  const rawApis = config.resolvedConfig.apis ?? {};
  const at = (/** @type {string[]} */ path) => position(config, core, absolute, cwd, path);
  /** @type {ApiEntry[]} */
  const apis = Object.entries(rawApis).map(([name, api]) => {
    const { output = `generated/${name}.ts`, ...options } = readTypeScriptOptions(name, api["x-openapi-ts"], at);
    const target = insideConfigFolder(dir, output, `apis.${name}.x-openapi-ts.output`, absolute, cwd);
    const schemasOutput = readRequestSchemasOutput(name, api["x-authlete-token"], at);
    const requestSchemas =
      schemasOutput === undefined
        ? undefined
        : insideConfigFolder(dir, schemasOutput, `apis.${name}.x-authlete-token.request-schemas`, absolute, cwd);
    return { name, root: resolve(dir, api.root), output: target, options, requestSchemas };
  });
  if (apis.length === 0) throw new UsageError(`no APIs under "apis:" in ${configPath}`);
  return { config, configPath: absolute, configDir: dir, apis, settings };
}

/**
 * An output path of the config, absolute. A relative one must stay inside the config's folder (a
 * config cannot `../../` its way out of the repository); an absolute one is a deliberate choice
 * and is taken as given.
 * @param {string} dir the config's folder
 * @param {string} output
 * @param {string} key where the path is set, for the message
 * @param {string} configAbsolute
 * @param {string} cwd
 */
function insideConfigFolder(dir, output, key, configAbsolute, cwd) {
  const target = resolve(dir, output);
  const rel = relative(dir, target);
  if (!isAbsolute(output) && (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel))) {
    throw new UsageError(
      `${key} "${output}" in ${relative(cwd, configAbsolute) || configAbsolute} resolves outside the config's folder ${dir}: refused (a relative output must stay inside the folder of the config)`,
    );
  }
  return target;
}

/**
 * `apis.<name>.x-authlete-token: { request-schemas: <path> }`: where `npm run generate` writes the
 * request schemas of the fake Authlete for that API (compile/request-schemas.js), if anywhere.
 * @param {string} name
 * @param {unknown} raw
 * @param {(path: string[]) => string} at
 * @returns {string | undefined}
 */
function readRequestSchemasOutput(name, raw, at) {
  const base = ["apis", name, "x-authlete-token"];
  if (raw === undefined) return undefined;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UsageError(`${at(base)}: apis.${name}.x-authlete-token must be a mapping, got ${describe(raw)}`);
  }
  for (const [key, value] of Object.entries(raw)) {
    if (key !== "request-schemas") {
      throw new UsageError(
        `${at([...base, key])}: apis.${name}.x-authlete-token.${key} is not an option; accepted: request-schemas`,
      );
    }
    if (typeof value !== "string" || value === "") {
      throw new UsageError(
        `${at([...base, key])}: apis.${name}.x-authlete-token.request-schemas must be a file path, got ${describe(value)}`,
      );
    }
  }
  return /** @type {{ "request-schemas"?: string }} */ (raw)["request-schemas"];
}

/**
 * `x-authlete-token: { max-spec-size, allow-remote-refs }` at the top of redocly.yaml, under the
 * command line's flags.
 * @param {import("@redocly/openapi-core").Config} config
 * @param {string} file
 * @param {ReadOverrides} overrides
 * @param {typeof import("@redocly/openapi-core")} core
 * @param {string} cwd
 * @returns {import("../lint/lint.js").ReadSettings}
 */
function readSettings(config, file, overrides, core, cwd) {
  const document = config.document;
  const raw = /** @type {Record<string, unknown> | undefined} */ (document?.parsed)?.["x-authlete-token"];
  const own = raw !== null && typeof raw === "object" ? /** @type {Record<string, unknown>} */ (raw) : {};
  const where = (/** @type {string} */ key) => position(config, core, file, cwd, ["x-authlete-token", key]);
  let maxSpecSize = overrides.maxSpecSize;
  if (maxSpecSize === undefined && own["max-spec-size"] !== undefined) {
    maxSpecSize = parseSize(own["max-spec-size"]);
    if (maxSpecSize === undefined) {
      throw new SpecInputError(
        `${where("max-spec-size")}: x-authlete-token.max-spec-size must be a size such as 64MB or 1048576, got ${JSON.stringify(own["max-spec-size"])}`,
      );
    }
  }
  let allowRemoteRefs = overrides.allowRemoteRefs;
  if (allowRemoteRefs === undefined && own["allow-remote-refs"] !== undefined) {
    if (typeof own["allow-remote-refs"] !== "boolean") {
      throw new SpecInputError(
        `${where("allow-remote-refs")}: x-authlete-token.allow-remote-refs must be true or false, got ${JSON.stringify(own["allow-remote-refs"])}`,
      );
    }
    allowRemoteRefs = own["allow-remote-refs"];
  }
  return { maxSpecSize: maxSpecSize ?? DEFAULT_MAX_SPEC_SIZE, allowRemoteRefs: allowRemoteRefs ?? false };
}

/**
 * Checks `apis.<name>.x-openapi-ts` against openapi-typescript's options: a key it does not know, or
 * a value of the wrong type, is a usage error naming the API, the key and the accepted keys, never
 * silently ignored (a misspelt `alphabetise: true` would otherwise generate different types than
 * the author meant, with no word said).
 * @param {string} name
 * @param {unknown} raw
 * @param {(path: string[]) => string} at where a key of the config is, for the message
 * @returns {TypeScriptOptions & { output?: string }}
 */
function readTypeScriptOptions(name, raw, at) {
  const base = ["apis", name, "x-openapi-ts"];
  if (raw === undefined) return {};
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UsageError(`${at(base)}: apis.${name}.x-openapi-ts must be a mapping of options, got ${describe(raw)}`);
  }
  const types = /** @type {Record<string, string>} */ ({ output: "string", ...TYPESCRIPT_OPTIONS });
  for (const [key, value] of Object.entries(raw)) {
    const type = Object.hasOwn(types, key) ? types[key] : undefined;
    if (type === undefined) {
      throw new UsageError(
        `${at([...base, key])}: apis.${name}.x-openapi-ts.${key} is not an option; accepted: ${Object.keys(types).join(", ")}`,
      );
    }
    if (typeof value !== type) {
      throw new UsageError(
        `${at([...base, key])}: apis.${name}.x-openapi-ts.${key} must be ${type === "boolean" ? "true or false" : "a string"}, got ${describe(value)}`,
      );
    }
  }
  return /** @type {TypeScriptOptions & { output?: string }} */ (raw);
}

/** @param {unknown} value */
function describe(value) {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * `file:line:col` of the value at `path` (a list of keys) in the config, or the file alone.
 * @param {import("@redocly/openapi-core").Config} config
 * @param {typeof import("@redocly/openapi-core")} core
 * @param {string} file
 * @param {string} cwd
 * @param {string[]} path
 */
function position(config, core, file, cwd, path) {
  const name = relative(cwd, file) || file;
  try {
    const document = config.document;
    if (!document) return name;
    const pointer = path.map((key) => key.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
    const { start } = core.getLineColLocation({ source: document.source, pointer: `#/${pointer}` });
    return `${name}:${start.line}:${start.col}`;
  } catch {
    return name;
  }
}

/**
 * The 1-based line where `text` first appears in `file`, if it does.
 * @param {string} file
 * @param {string} text
 */
function lineOf(file, text) {
  try {
    const index = readFileSync(file, "utf8")
      .split("\n")
      .findIndex((line) => line.includes(text));
    return index < 0 ? undefined : index + 1;
  } catch {
    return undefined;
  }
}
