// @ts-check
// The no-op fast path of `npm run generate`: a manifest of what the last successful run read and
// wrote (hashes of every spec file, the config, the generator's own code, the tool versions, the
// outputs and the lint reports). When all of it still matches, the outputs are exactly what a
// full run would produce (generation is deterministic), so the run can stop there without
// loading Redocly or TypeScript. Any edit — to a spec file, the config, a tool, or a hand edit
// of a generated file or report — breaks a hash and the full pipeline runs.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { readFile, rm, stat } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { toolVersions } from "../versions.js";
import { writeFileAtomic } from "../write/atomic-write.js";

/** @typedef {import("../lint/findings.js").Finding} Finding */

/**
 * @typedef {object} ApiRecord
 * @property {string} name
 * @property {string} output absolute path of the generated file
 * @property {string} outputHash
 * @property {Record<string, string>} extra absolute path → hash of the other files generated from the spec
 * @property {Record<string, string>} inputs absolute path → hash of every file the spec is made of
 * @property {Finding[]} findings the lint warnings of that run (errors never get a manifest)
 */

/**
 * @typedef {object} Manifest
 * @property {number} version
 * @property {string} fingerprint hash of the config, the generator's code and the tool versions
 * @property {ApiRecord[]} apis
 * @property {{ dir: string, files: Record<string, string> } | null} reports the lint reports written, if any
 */

const FORMAT = 2;
const MTIME_MARGIN_MS = 20;
const SCRIPTS = fileURLToPath(new URL("../..", import.meta.url));
const CACHE = join(SCRIPTS, "..", "node_modules", ".cache", "authlete-token");

/** @param {string | Buffer} data */
function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}

/** @param {string} file */
async function hashFile(file) {
  try {
    return sha256(await readFile(file));
  } catch {
    return "missing";
  }
}

/** The directory of the manifests (outside the repository, next to other tool caches). */
export const CACHE_DIR = CACHE;

/** The name the files of one config share in the cache: `manifest-<hash of its path>`. */
export function configKey(/** @type {string} */ configAbsolute) {
  return `manifest-${sha256(configAbsolute).slice(0, 16)}`;
}

/** Where the manifest of one config lives. */
export function manifestPath(/** @type {string} */ configAbsolute) {
  return join(CACHE, `${configKey(configAbsolute)}.json`);
}

/**
 * Every file of the generator itself, what `npm run generate` runs (scripts/generate.js and
 * scripts/lib/): a change to how outputs are produced invalidates them. The other entry points and
 * maintainer scripts are not part of it.
 */
function generatorFiles() {
  /** @type {string[]} */
  const files = [join(SCRIPTS, "generate.js")];
  for (const entry of readdirSync(join(SCRIPTS, "lib"), { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(".js")) files.push(join(entry.parentPath, entry.name));
  }
  return files.sort();
}

/**
 * The hash of everything besides the spec that decides the outputs. Undefined when the config
 * pulls in files this cannot track (plugins, or extending a local config), which disables the
 * fast path for it.
 * @param {string} configAbsolute
 */
async function fingerprint(configAbsolute) {
  let config;
  try {
    config = await readFile(configAbsolute, "utf8");
  } catch {
    return undefined;
  }
  if (referencesOtherFiles(config)) return undefined;
  const hash = createHash("sha256");
  // The cwd too: findings are printed relative to it.
  hash.update(`${FORMAT}\0${configAbsolute}\0${process.cwd()}\0${config}\0`);
  hash.update(`${await hashFile(join(dirname(configAbsolute), ".redocly.lint-ignore.yaml"))}\0`);
  hash.update(`${toolVersions().join(",")}\0${await hashFile(join(SCRIPTS, "..", "package-lock.json"))}\0`);
  for (const file of generatorFiles()) hash.update(`${relative(SCRIPTS, file)}\0${readFileSync(file)}\0`);
  return hash.digest("hex");
}

/**
 * Whether the config loads files whose changes the manifest would not see: plugins, or a local
 * file in `extends`. Deliberately coarse: any file name outside `root:` / `output:` counts.
 * @param {string} config
 */
function referencesOtherFiles(config) {
  return config.split("\n").some((raw) => {
    const line = raw.replace(/(^|\s)#.*$/, "");
    if (/^\s*plugins\s*:/.test(line)) return true;
    if (/^\s*(root|output)\s*:/.test(line)) return false;
    return /\.(ya?ml|json|js|mjs|cjs)\b|^\s*-\s*['"]?\.{1,2}\//.test(line);
  });
}

/**
 * Returns the last run's record when nothing it depends on changed, else undefined.
 * @param {string} configAbsolute
 * @param {{ reportsDir: string | undefined }} options where this run wants lint reports, if anywhere
 * @returns {Promise<Manifest | undefined>}
 */
export async function upToDate(configAbsolute, { reportsDir }) {
  /** @type {Manifest} */
  let manifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath(configAbsolute), "utf8"));
  } catch {
    return undefined;
  }
  if (manifest.version !== FORMAT) return undefined;
  if (manifest.fingerprint !== (await fingerprint(configAbsolute))) return undefined;
  /** @type {Array<[string, string]>} */
  const expected = [];
  for (const api of manifest.apis) {
    expected.push([api.output, api.outputHash], ...Object.entries(api.extra), ...Object.entries(api.inputs));
  }
  if (reportsDir !== undefined) {
    if (manifest.reports?.dir !== reportsDir) return undefined;
    expected.push(...Object.entries(manifest.reports.files));
  }
  const actual = await Promise.all(expected.map(([file]) => hashFile(file)));
  return actual.every((hash, i) => hash === expected[i]?.[1]) ? manifest : undefined;
}

/**
 * Records a successful run. Never called for a run with a lint error: those always run in full
 * so their problems are printed again. Called last, after every output and report is written, so
 * a run killed before the end leaves the previous manifest, whose hashes no longer match what
 * that run changed. The input hashes are taken now, not when the spec was read: a spec file or
 * the config saved while the run was going (modified after `startedAt`) may not be what the
 * outputs were made from, so then the manifest is removed instead of recorded.
 * @param {string} configAbsolute
 * @param {Array<{ name: string, output: string, code: string, extra: Array<{ output: string, code: string }>, files: Set<string>, findings: Finding[] }>} apis
 * @param {{ dir: string, files: string[] } | undefined} reports
 * @param {number} [startedAt] when the run started (ms since the epoch)
 */
export async function record(configAbsolute, apis, reports, startedAt) {
  const print = await fingerprint(configAbsolute);
  if (print === undefined) return;
  if (startedAt !== undefined) {
    const inputs = [configAbsolute, ...apis.flatMap((api) => [...api.files])];
    const times = await Promise.all(
      inputs.map((f) =>
        stat(f).then(
          (s) => s.mtimeMs,
          () => Number.POSITIVE_INFINITY,
        ),
      ),
    );
    // The margin covers file systems whose clock for timestamps lags Date.now() by a tick.
    if (times.some((t) => t > startedAt - MTIME_MARGIN_MS)) {
      await rm(manifestPath(configAbsolute), { force: true }).catch(() => {});
      return;
    }
  }
  /** @type {Manifest} */
  const manifest = {
    version: FORMAT,
    fingerprint: print,
    apis: await Promise.all(
      apis.map(async (api) => ({
        name: api.name,
        output: api.output,
        outputHash: sha256(api.code),
        extra: Object.fromEntries(api.extra.map((file) => [file.output, sha256(file.code)])),
        inputs: Object.fromEntries(await Promise.all([...api.files].sort().map(async (f) => [f, await hashFile(f)]))),
        findings: api.findings,
      })),
    ),
    reports: reports
      ? {
          dir: reports.dir,
          files: Object.fromEntries(await Promise.all(reports.files.map(async (f) => [f, await hashFile(f)]))),
        }
      : null,
  };
  try {
    await writeFileAtomic(manifestPath(configAbsolute), `${JSON.stringify(manifest, null, 2)}\n`);
  } catch {
    // A read-only cache only costs speed.
  }
}
