#!/usr/bin/env node
// @ts-check
// `npm run generate`: lint every API of redocly.yaml, bundle it and compile it to TypeScript.
import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { writeFileAtomic } from "./lib/atomic-write.js";
import { loadApis, UsageError } from "./lib/config.js";
import { formatFinding } from "./lib/findings.js";
import { shutDownTypeScript, warmUpTypeScript } from "./lib/typescript-compiler.js";

const USAGE = `Usage: npm run generate -- [--check] [--watch] [--config PATH]

  --check        regenerate in memory and fail (exit 1) if any output on disk differs or is missing
  --watch        regenerate whenever a spec file or the config changes (keeps the last good output)
  --config PATH  the Redocly config to read (default: redocly.yaml); paths in it are relative to it
  --help         show this help

Exit codes: 0 ok, 1 lint/spec/drift failure, 2 usage error.`;

/** @typedef {import("./lib/pipeline.js").BuildResult} BuildResult */

async function main() {
  let args;
  try {
    args = parseArgs({
      options: {
        check: { type: "boolean", default: false },
        watch: { type: "boolean", default: false },
        config: { type: "string", default: "redocly.yaml" },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.check && args.watch) return usageError("--check and --watch cannot be combined");
  try {
    if (args.watch) {
      const { watch } = await import("./lib/watch.js");
      await watch(args.config, runOnce);
      return 0;
    }
    return (await runOnce(args.config, { check: args.check })).code;
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message);
    throw error;
  }
}

/**
 * One generation pass over every API. Returns the exit code and the files the specs are made of.
 * @param {string} configPath
 * @param {{ check: boolean }} options
 * @returns {Promise<{ code: number, files: Set<string> }>}
 */
async function runOnce(configPath, { check }) {
  const { results } = await buildAll(configPath);
  const files = new Set(results.flatMap((r) => [...r.files]));
  return { code: await report(results, check), files };
}

/**
 * Prints what each API produced and writes (or, with `check`, compares) the outputs.
 * @param {BuildResult[]} results
 * @param {boolean} check
 */
async function report(results, check) {
  let failed = false;
  for (const result of results) {
    for (const finding of result.findings) console.error(formatFinding(finding));
    if (result.code === undefined) {
      failed = true;
      console.error(`✗ ${result.api.name}: ${result.failure}; ${rel(result.api.output)} left as it was`);
    }
  }
  const ok = results.filter((r) => r.code !== undefined);
  if (check) {
    const stale = [];
    for (const { api, code } of ok) {
      const onDisk = await readFile(api.output, "utf8").catch(() => undefined);
      if (onDisk === undefined) stale.push(`${rel(api.output)} (missing)`);
      else if (onDisk !== code) stale.push(`${rel(api.output)} (differs from what the spec generates)`);
    }
    if (stale.length > 0) {
      console.error(`✗ generated files are out of date; run \`npm run generate\`:\n  ${stale.join("\n  ")}`);
      return 1;
    }
    if (!failed) console.log(`✓ ${ok.length} API(s) up to date`);
    return failed ? 1 : 0;
  }
  // Outputs are written only after every API was built, each atomically: a failure anywhere
  // leaves the failed API's file untouched.
  for (const { api, code } of ok) {
    const onDisk = await readFile(api.output, "utf8").catch(() => undefined);
    if (onDisk !== code) await writeFileAtomic(api.output, /** @type {string} */ (code));
    console.log(`✓ ${api.name}: ${rel(api.output)}${onDisk === code ? " (unchanged)" : ""}`);
  }
  return failed ? 1 : 0;
}

/** @param {string} configPath */
async function buildAll(configPath) {
  warmUpTypeScript(); // openapi-typescript loads in its thread while Redocly loads and lints here
  const { config, configDir, apis } = await loadApis(configPath);
  const { buildApi } = await import("./lib/pipeline.js");
  /** @type {BuildResult[]} */
  const results = [];
  for (const api of apis) results.push(await buildApi(api, config, { cwd: process.cwd(), configDir }));
  return { results };
}

/** @param {string} file */
function rel(file) {
  return relative(process.cwd(), file) || file;
}

/** @param {string} message */
function usageError(message) {
  console.error(`generate: ${message}\n\n${USAGE}`);
  return 2;
}

main()
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exitCode = 1;
    },
  )
  .finally(shutDownTypeScript);
