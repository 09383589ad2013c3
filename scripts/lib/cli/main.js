// @ts-check
// The run of `npm run generate` and `npm run report` (scripts/generate.js, scripts/report.js): read
// and build every API, write or check the generated files, the reports, the no-op manifest.
// What only a full run needs is imported when it runs, so the no-op path loads few modules.
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { formatFinding } from "../lint/findings.js";
import { lintReportsLine, writeReports } from "../reports/write-all.js";
import { exclusive, sweepDebris } from "../run/guard.js";
import { writeOutput } from "../write/output.js";
import { parseCommandLine, usageText } from "./args.js";
import { failureCode, runAsProcess } from "./exit.js";

/** @typedef {import("./pipeline.js").BuildResult} BuildResult */
/** @typedef {import("./args.js").Command} Command */
/** @typedef {import("./args.js").Invocation["options"]} Options */

/**
 * @param {string[]} argv
 * @param {Command} command
 * @returns {Promise<number>} the exit code
 */
export async function main(argv, command) {
  const parsed = parseCommandLine(argv, command);
  if ("help" in parsed) {
    console.log(parsed.help);
    return 0;
  }
  if ("usage" in parsed) return usageError(parsed.usage);
  const { config, watch, force, verbose, readFlags, options } = parsed.run;
  try {
    // The fast path's manifest does not know the read flags: with them, read everything again.
    if (command === "generate" && !watch && !options.diff && !force && !readFlags) {
      const code = await noOp(config, options);
      if (code !== undefined) return code;
    }
    if (watch) {
      const { watch: watchConfig } = await import("./watch.js");
      await watchConfig(config, (path) => exclusive(path, () => runOnce(path, { ...options, check: false }, verbose)));
      return 0;
    }
    return (await exclusive(config, () => runOnce(config, options, verbose))).code;
  } catch (error) {
    return failureCode(error, { verbose, usageError: (message) => usageError(usageText(command, message)) });
  }
}

/**
 * One pass over every API. Returns the exit code and the files the specs are made of.
 * @param {string} configPath
 * @param {Options} options
 * @param {boolean} verbose print the stack traces of failures
 * @returns {Promise<{ code: number, files: Set<string> }>}
 */
export async function runOnce(configPath, options, verbose) {
  const startedAt = Date.now();
  const { loadApis } = await import("../config/load.js");
  const loaded = await loadApis(configPath, options.read);
  if (options.diff) await (await import("../reports/diff.js")).assertBaseExists(options.diff, loaded.configDir);
  const { results, configDir, configAbsolute } = await buildAll(loaded);
  const files = new Set(results.flatMap((r) => [...r.files]));
  const cwd = process.cwd();
  const reportsDir = reportsDirFor(options, configDir);
  await sweepDebris(
    configAbsolute,
    results.flatMap((r) => [r.api.output, ...(r.api.requestSchemas === undefined ? [] : [r.api.requestSchemas])]),
    reportsDir,
  );

  let code = await printAndWrite(results, options.check, verbose);

  const reports = await writeReports(results, { ...options, reportsDir, configDir, configAbsolute, cwd });
  if (reports.blocking) code = 1;
  if (options.command === "generate" && !options.diff && code === 0 && results.every((r) => r.code !== undefined)) {
    const { record } = await import("../run/manifest.js");
    const apis = results.map((r) => ({
      ...r.api,
      code: /** @type {string} */ (r.code),
      extra: r.extra ?? [],
      files: r.files,
      findings: r.findings,
    }));
    await record(configAbsolute, apis, reportsDir ? { dir: reportsDir, files: reports.files } : undefined, startedAt);
  }
  return { code, files };
}

/**
 * The no-op fast path: when the manifest of the last successful run still matches every input and
 * output, say so (with that run's warnings) and stop, without loading Redocly or TypeScript.
 * @param {string} configPath
 * @param {Options} options
 * @returns {Promise<number | undefined>} the exit code, or undefined to run the full pipeline
 */
async function noOp(configPath, options) {
  const configAbsolute = resolve(configPath);
  const reportsDir = reportsDirFor(options, dirname(configAbsolute));
  const { upToDate } = await import("../run/manifest.js");
  const manifest = await upToDate(configAbsolute, { reportsDir });
  if (!manifest) return undefined;
  await sweepDebris(
    configAbsolute,
    manifest.apis.flatMap((api) => [api.output, ...Object.keys(api.extra)]),
    reportsDir,
  );
  for (const api of manifest.apis) for (const finding of api.findings) console.error(formatFinding(finding));
  if (options.check) {
    console.log(`✓ ${manifest.apis.length} API(s) up to date`);
  } else {
    for (const api of manifest.apis) {
      for (const output of [api.output, ...Object.keys(api.extra)])
        console.log(`✓ ${api.name}: ${rel(output)} (unchanged)`);
    }
    if (reportsDir) console.log(lintReportsLine(reportsDir, manifest.apis.length));
  }
  return 0;
}

/**
 * Where this run writes lint reports, if anywhere: `--check` of `generate` writes nothing unless
 * reports were asked for by name.
 * @param {{ command: Command, check: boolean, reports: string | undefined, reportsExplicit: boolean }} options
 * @param {string} configDir
 */
function reportsDirFor(options, configDir) {
  if (options.command === "generate" && options.check && !options.reportsExplicit) return undefined;
  return options.reports ? resolve(process.cwd(), options.reports) : join(configDir, "reports");
}

/**
 * Prints what each API produced and writes (or, with `check`, compares) the generated outputs.
 * @param {BuildResult[]} results
 * @param {boolean} check
 * @param {boolean} verbose
 */
async function printAndWrite(results, check, verbose) {
  let failed = false;
  for (const result of results) {
    for (const finding of result.findings) console.error(formatFinding(finding));
    if (result.code === undefined) {
      failed = true;
      console.error(`✗ ${result.api.name}: ${result.failure}; ${rel(result.api.output)} left as it was`);
      if (verbose && result.stack) console.error(result.stack);
    }
  }
  const ok = results.filter((r) => r.code !== undefined);
  if (check) {
    const stale = [];
    for (const { output, code } of ok.flatMap(outputsOf)) {
      const onDisk = await readFile(output, "utf8").catch(() => undefined);
      if (onDisk === undefined) stale.push(`${rel(output)} (missing)`);
      else if (onDisk !== code) stale.push(`${rel(output)} (differs from what the spec generates)`);
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
  for (const result of ok) {
    for (const { output, code } of outputsOf(result)) {
      const onDisk = await readFile(output, "utf8").catch(() => undefined);
      // A refused write (full disk, read-only folder) throws an OutputWriteError: exit 1, and
      // nothing after it, reports included, is written.
      if (onDisk !== code) await writeOutput(output, code);
      console.log(`✓ ${result.api.name}: ${rel(output)}${onDisk === code ? " (unchanged)" : ""}`);
    }
  }
  return failed ? 1 : 0;
}

/**
 * Every file one built API writes: its types, then the other files generated from its spec.
 * @param {BuildResult} result
 * @returns {Array<{ output: string, code: string }>}
 */
function outputsOf(result) {
  return [{ output: result.api.output, code: /** @type {string} */ (result.code) }, ...(result.extra ?? [])];
}

/** @param {Awaited<ReturnType<typeof import("../config/load.js").loadApis>>} loaded */
async function buildAll({ config, configDir, configPath: configAbsolute, apis, settings }) {
  const { buildApi } = await import("./pipeline.js");
  /** @type {BuildResult[]} */
  const results = [];
  for (const api of apis) results.push(await buildApi(api, config, { cwd: process.cwd(), configDir, settings }));
  return { results, configDir, configAbsolute };
}

/** @param {string} file */
function rel(file) {
  return relative(process.cwd(), file) || file;
}

/**
 * Prints a usage error (the reason and the usage) and returns its exit code.
 * @param {string} text
 */
function usageError(text) {
  console.error(text);
  return 2;
}

/**
 * Runs `main` as the process's entry point.
 * @param {Command} command
 */
export function run(command) {
  runAsProcess((argv) => main(argv, command));
}
