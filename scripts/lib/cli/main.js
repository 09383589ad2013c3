// @ts-check
// The command line of `npm run generate` and `npm run report` (scripts/generate.js, scripts/report.js).
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { finishCache } from "../build/deps.js";
import { loadApis } from "../config/load.js";
import { OutputWriteError, SpecInputError, UsageError } from "../errors.js";
import { formatFinding } from "../lint/findings.js";
import { parseSize } from "../read/spec-guard.js";
import { exclusive, sweepDebris } from "../run/guard.js";
import { exitCleanlyOnSignals } from "../run/interrupt.js";
import { injectedFault, writeFailure, writeOutput } from "../write/output.js";

/** @typedef {import("../build/pipeline.js").BuildResult} BuildResult */
/** @typedef {import("../reports/diff.js").BaseOption} BaseOption */
/** @typedef {import("../reports/diff.js").DiffOutcome} DiffOutcome */
/** @typedef {"generate" | "report"} Command */

const COMMON = `  --config PATH     the Redocly config to read (default: redocly.yaml); paths in it are relative to it
  --reports DIR     where reports go (default: reports/ next to the config), one directory per API
  --diff            compare each API with a base and write diff.md / diff.json (see below)
  --base REF        the git revision to compare with (default: HEAD); implies --diff
  --base-file PATH  compare with this spec file instead of a git revision; implies --diff
  --allow-breaking  do not fail on a major (breaking) change
  --max-spec-size SIZE  refuse a spec file, or all files of one API together, larger than SIZE
                    (bytes, or 512KB, 64MB, 1GB; default 64MB, or x-authlete-token.max-spec-size in the config)
  --allow-remote-refs  fetch http(s):// $refs (default: refused, never fetched; or
                    x-authlete-token.allow-remote-refs: true in the config)
  --verbose         print stack traces of failures (default: one message naming file and line)
  --help            show this help

A $ref must stay inside the folder of its API's root file (symlinks resolved); spec files must be UTF-8;
a relative output (x-openapi-ts.output) that leads outside the config's folder is a usage error (exit 2).`;

const USAGE = {
  generate: `Usage: npm run generate -- [--check] [--force] [--watch] [--config PATH] [--reports DIR] [--diff [--base REF | --base-file PATH] [--allow-breaking]] [--max-spec-size SIZE] [--allow-remote-refs] [--verbose]

Lints every API of the config, bundles it and writes its TypeScript, plus the lint reports
(lint.json, lint.md, lint.sarif, lint.junit.xml) under reports/<api>/.

  --check           regenerate in memory and fail (exit 1) if any output on disk differs or is missing;
                    writes nothing, not even reports, unless --reports DIR is given
  --watch           regenerate whenever a spec file or the config changes (keeps the last good output)
  --force           run the whole pipeline even when nothing changed since the last successful run
${COMMON}

A major change fails (exit 1) unless info.version's major was bumped or --allow-breaking is given;
no base (a new API, not a git repository) is not an error.
Exit codes: 0 ok, 1 lint/spec/drift failure or breaking change, 2 usage error.`,
  report: `Usage: npm run report -- [--check] [--config PATH] [--reports DIR] [--base REF | --base-file PATH] [--allow-breaking] [--no-diff]

Runs \`generate\` (with its lint reports), then adds for every API: api.html (redocly build-docs,
readable offline), stats.json (redocly stats), diff.md / diff.json (redocly diff against the base),
and reports/index.html linking them all.

  --check           check generated/ instead of writing it (reports are written all the same)
  --no-diff         skip the change report
${COMMON}

A major change fails (exit 1) unless info.version's major was bumped or --allow-breaking is given;
no base (a new API, not a git repository) is not an error.
Exit codes: 0 ok, 1 lint/spec/drift failure or breaking change, 2 usage error.`,
};

/**
 * @typedef {object} RunOptions
 * @property {Command} command
 * @property {boolean} check
 * @property {string | undefined} reportsDir absolute, or undefined for no reports
 * @property {boolean} reportsExplicit
 * @property {BaseOption | undefined} diff undefined: no change report
 * @property {boolean} allowBreaking
 * @property {boolean} full build api.html, stats.json and index.html
 * @property {import("../config/load.js").ReadOverrides} [read] --max-spec-size, --allow-remote-refs
 */

/** --verbose: failures print their stack traces. */
let verbose = false;

/**
 * @param {string[]} argv
 * @param {Command} command
 * @returns {Promise<number>} the exit code
 */
export async function main(argv, command) {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        check: { type: "boolean", default: false },
        force: { type: "boolean", default: false },
        watch: { type: "boolean", default: false },
        config: { type: "string", default: "redocly.yaml" },
        reports: { type: "string" },
        diff: { type: "boolean", default: false },
        "no-diff": { type: "boolean", default: false },
        base: { type: "string" },
        "base-file": { type: "string" },
        "allow-breaking": { type: "boolean", default: false },
        "max-spec-size": { type: "string" },
        "allow-remote-refs": { type: "boolean" },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (error) {
    return usageError(command, error instanceof Error ? error.message : String(error));
  }
  if (args.help) {
    console.log(USAGE[command]);
    return 0;
  }
  verbose = args.verbose;
  const maxSpecSize = args["max-spec-size"] === undefined ? undefined : parseSize(args["max-spec-size"]);
  if (args["max-spec-size"] !== undefined && maxSpecSize === undefined) {
    return usageError(command, `--max-spec-size needs a size such as 64MB or 1048576, got "${args["max-spec-size"]}"`);
  }
  if (command === "report" && args.watch) return usageError(command, "--watch is for `npm run generate`");
  if (command === "generate" && args["no-diff"]) return usageError(command, "--no-diff is for `npm run report`");
  if (args.check && args.watch) return usageError(command, "--check and --watch cannot be combined");
  if (args.base !== undefined && args["base-file"] !== undefined) {
    return usageError(command, "--base and --base-file cannot be combined");
  }
  const wantsDiff =
    command === "report" ? !args["no-diff"] : args.diff || args.base !== undefined || args["base-file"] !== undefined;
  if (args["no-diff"] && (args.base !== undefined || args["base-file"] !== undefined)) {
    return usageError(command, "--no-diff cannot be combined with --base or --base-file");
  }
  if (args.watch && wantsDiff)
    return usageError(command, "--watch does not run the change report (--diff, --base, --base-file)");
  if (args.base === "" || args["base-file"] === "" || args.reports === "") {
    return usageError(command, "--base, --base-file and --reports need a value");
  }
  /** @type {BaseOption | undefined} */
  let diff;
  if (wantsDiff) {
    diff =
      args["base-file"] !== undefined
        ? { kind: "file", path: args["base-file"] }
        : { kind: "git", ref: args.base ?? "HEAD", explicit: args.base !== undefined };
  }
  /** @type {Omit<RunOptions, "reportsDir"> & { reports: string | undefined }} */
  const options = {
    command,
    check: args.check,
    reports: args.reports,
    reportsExplicit: args.reports !== undefined,
    diff,
    allowBreaking: args["allow-breaking"],
    full: command === "report",
    read: { maxSpecSize, allowRemoteRefs: args["allow-remote-refs"] },
  };
  // The fast path's manifest does not know these flags: with them, read everything again.
  const readFlags = maxSpecSize !== undefined || args["allow-remote-refs"] !== undefined;
  try {
    if (command === "generate" && !args.watch && !diff && !args.force && !readFlags) {
      const code = await noOp(args.config, options);
      if (code !== undefined) return code;
    }
    if (args.watch) {
      const { watch } = await import("./watch.js");
      await watch(args.config, (path) => exclusive(path, () => runOnce(path, { ...options, check: false })));
      return 0;
    }
    return (await exclusive(args.config, () => runOnce(args.config, options))).code;
  } catch (error) {
    if (error instanceof UsageError) return usageError(command, error.message);
    if (error instanceof SpecInputError || error instanceof OutputWriteError) {
      console.error(`✗ ${error.message}`);
      if (verbose && error.stack) console.error(error.stack);
      return 1;
    }
    throw error;
  }
}

/**
 * One pass over every API. Returns the exit code and the files the specs are made of.
 * @param {string} configPath
 * @param {Omit<RunOptions, "reportsDir"> & { reports: string | undefined }} options
 * @returns {Promise<{ code: number, files: Set<string> }>}
 */
export async function runOnce(configPath, options) {
  const startedAt = Date.now();
  const loaded = await loadApis(configPath, options.read);
  if (options.diff) await (await import("../reports/diff.js")).assertBaseExists(options.diff, loaded.configDir);
  const { results, configDir, configAbsolute } = await buildAll(loaded);
  const files = new Set(results.flatMap((r) => [...r.files]));
  const cwd = process.cwd();
  const reportsDir = reportsDirFor(options, configDir);
  await sweepDebris(
    configAbsolute,
    results.map((r) => r.api.output),
    reportsDir,
  );

  let code = await printAndWrite(results, options.check);
  /** @type {string[]} */
  const reportFiles = [];

  if (reportsDir) {
    const { toLintReport } = await import("../reports/model.js");
    const { LINT_REPORT_FILES, writeLintReports } = await import("../reports/write-lint.js");
    const lints = results.map((r) => toLintReport(r, { cwd, repoRoot: configDir }));
    const written = await Promise.all(
      lints.map((lint, i) => {
        const apiDir = join(reportsDir, lint.dir);
        // A failed API loses nothing: its reports are written where there are none yet (a fresh
        // checkout, CI), and otherwise left as the last run that wrote them.
        if (results[i]?.code === undefined && LINT_REPORT_FILES.some((f) => existsSync(join(apiDir, f)))) {
          console.error(`✗ ${lint.api}: ${rel(apiDir)}/ left as it was (delete it to get this run's lint reports)`);
          return [];
        }
        const fault = injectedFault();
        return (fault ? Promise.reject(fault) : writeLintReports(lint, apiDir)).catch((error) => {
          throw writeFailure(apiDir, error);
        });
      }),
    );
    reportFiles.push(...written.flat());
    const count = written.filter((files) => files.length > 0).length;
    if (count > 0) console.log(lintReportsLine(reportsDir, count));

    if (options.diff || options.full) {
      const extra = await heavyReports(results, lints, { ...options, reportsDir, configDir, configAbsolute, cwd });
      if (extra.blocking) code = 1;
    }
  } else if (options.diff) {
    // `generate --check --diff` without --reports: the verdict still decides the exit code.
    const { diffApi } = await import("../reports/diff.js");
    for (const { api, refused } of results) {
      if (refused) continue; // Redocly's CLI would read what the pipeline refused
      const diff = await diffApi(api, options.diff, {
        configPath: configAbsolute,
        configDir,
        cwd,
        allowBreaking: options.allowBreaking,
      });
      printDiff(diff);
      if (diff.blocking) code = 1;
    }
  }
  if (options.command === "generate" && !options.diff && code === 0 && results.every((r) => r.code !== undefined)) {
    const { record } = await import("../run/manifest.js");
    const apis = results.map((r) => ({
      ...r.api,
      code: /** @type {string} */ (r.code),
      files: r.files,
      findings: r.findings,
    }));
    await record(configAbsolute, apis, reportsDir ? { dir: reportsDir, files: reportFiles } : undefined, startedAt);
  }
  return { code, files };
}

/**
 * The no-op fast path: when the manifest of the last successful run still matches every input and
 * output, say so (with that run's warnings) and stop, without loading Redocly or TypeScript.
 * @param {string} configPath
 * @param {Omit<RunOptions, "reportsDir"> & { reports: string | undefined }} options
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
    manifest.apis.map((api) => api.output),
    reportsDir,
  );
  for (const api of manifest.apis) for (const finding of api.findings) console.error(formatFinding(finding));
  if (options.check) {
    console.log(`✓ ${manifest.apis.length} API(s) up to date`);
  } else {
    for (const api of manifest.apis) console.log(`✓ ${api.name}: ${rel(api.output)} (unchanged)`);
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
 * @param {string} reportsDir
 * @param {number} count
 */
function lintReportsLine(reportsDir, count) {
  return `✓ lint reports: ${rel(reportsDir)}/<api>/lint.{json,md,sarif,junit.xml} (${count} API(s))`;
}

/**
 * The change report (with --diff or `report`) and, for `report`, api.html, stats.json and
 * index.html. The tools of one API run side by side; APIs one after the other.
 * @param {BuildResult[]} results
 * @param {import("../reports/model.js").LintReport[]} lints
 * @param {Omit<RunOptions, "reportsDir"> & { reportsDir: string, configDir: string, configAbsolute: string, cwd: string }} context
 */
async function heavyReports(results, lints, context) {
  const { diffApi, renderDiffJson, renderDiffMarkdown } = await import("../reports/diff.js");
  const { buildApiHtml, writeStats } = await import("../reports/api-docs.js");
  const { renderIndexHtml } = await import("../reports/index-html.js");
  const { LINT_REPORT_FILES } = await import("../reports/write-lint.js");
  const { UPSTREAM_REPORT_FILES } = await import("../upstream/report.js");
  let blocking = false;
  /** @type {import("../reports/index-html.js").IndexEntry[]} */
  const entries = [];
  for (const [i, result] of results.entries()) {
    const lint = /** @type {import("../reports/model.js").LintReport} */ (lints[i]);
    const apiDir = join(context.reportsDir, lint.dir);
    if (result.refused) {
      // Redocly's CLI (diff, build-docs, stats) would read, or fetch, what the pipeline refused.
      const note = "change report, api.html and stats.json not built: the spec breaks the read rules";
      console.error(`✗ ${result.api.name}: ${note}`);
      entries.push({ lint, diff: undefined, files: [...LINT_REPORT_FILES], notes: [note] });
      continue;
    }
    const tools = { configPath: context.configAbsolute, configDir: context.configDir };
    const [diff, html, stats] = await Promise.all([
      context.diff
        ? diffApi(result.api, context.diff, { ...tools, cwd: context.cwd, allowBreaking: context.allowBreaking })
        : undefined,
      context.full
        ? buildApiHtml(result.api, {
            ...tools,
            outFile: join(apiDir, "api.html"),
            title: `${result.api.name} API reference`,
          })
        : undefined,
      context.full ? writeStats(result.api, { ...tools, outFile: join(apiDir, "stats.json") }) : undefined,
    ]);
    /** @type {string[]} */
    const files = [...LINT_REPORT_FILES];
    /** @type {string[]} */
    const notes = [];
    if (html) html.ok ? files.push("api.html") : notes.push(`api.html not built: ${html.error}`);
    if (stats) stats.ok ? files.push("stats.json") : notes.push(`stats.json not built: ${stats.error}`);
    // `npm run upstream` writes its own reports; the index links them once they exist.
    for (const file of UPSTREAM_REPORT_FILES) if (existsSync(join(apiDir, file))) files.push(file);
    for (const note of notes) console.error(`✗ ${result.api.name}: ${note}`);
    if (diff) {
      printDiff(diff);
      if (diff.blocking) blocking = true;
      if (diff.status === "no-base") {
        // A stale change report from an earlier run must not pass for this one.
        await Promise.all(["diff.md", "diff.json"].map((f) => rm(join(apiDir, f), { force: true })));
      } else {
        await writeOutput(join(apiDir, "diff.md"), renderDiffMarkdown(diff));
        await writeOutput(join(apiDir, "diff.json"), renderDiffJson(diff));
        files.push("diff.md", "diff.json");
      }
    }
    entries.push({ lint, diff, files, notes });
  }
  if (context.full) {
    const index = join(context.reportsDir, "index.html");
    await writeOutput(index, renderIndexHtml(entries));
    console.log(`✓ report index: ${rel(index)}`);
  }
  return { blocking };
}

/** @param {DiffOutcome} diff */
function printDiff(diff) {
  (diff.blocking ? console.error : console.log)(diff.verdict);
}

/**
 * Prints what each API produced and writes (or, with `check`, compares) the generated outputs.
 * @param {BuildResult[]} results
 * @param {boolean} check
 */
async function printAndWrite(results, check) {
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
    // A refused write (full disk, read-only folder) throws an OutputWriteError: exit 1, and
    // nothing after it, reports included, is written.
    if (onDisk !== code) await writeOutput(api.output, /** @type {string} */ (code));
    console.log(`✓ ${api.name}: ${rel(api.output)}${onDisk === code ? " (unchanged)" : ""}`);
  }
  return failed ? 1 : 0;
}

/** @param {Awaited<ReturnType<typeof loadApis>>} loaded */
async function buildAll({ config, configDir, configPath: configAbsolute, apis, settings }) {
  const { buildApi } = await import("../build/pipeline.js");
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
 * @param {Command} command
 * @param {string} message
 */
function usageError(command, message) {
  console.error(`${command}: ${message}\n\n${USAGE[command]}`);
  return 2;
}

/**
 * Runs `main` as the process's entry point: sets the exit code, prints unexpected errors.
 * @param {Command} command
 */
export function run(command) {
  exitCleanlyOnSignals();
  main(process.argv.slice(2), command)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error) => {
        // One line unless --verbose: an unexpected failure is still not a stack trace for everyone.
        const message = error instanceof Error ? error.message : String(error);
        if (verbose) console.error(error instanceof Error ? (error.stack ?? message) : message);
        else console.error(`✗ ${message} (run with --verbose for the stack trace)`);
        process.exitCode = 1;
      },
    )
    .finally(finishCache); // the dependency cache for the next run (deps.js)
}
