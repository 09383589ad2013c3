// @ts-check
// The command line of `npm run generate` and `npm run report`, read into options: the usage text
// and every rule about which flags go together. Pure: prints nothing, runs nothing (cli/main.js does).
import { parseArgs } from "node:util";
import { parseSize } from "../read/size.js";

/** @typedef {import("../reports/diff.js").BaseOption} BaseOption */
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
a relative output (x-openapi-ts.output) that leads outside the config's folder is a usage error (exit 2).
Per API, x-openapi-ts in the config sets the output file and openapi-typescript's options
(enum, immutable, alphabetize, exportType, rootTypes, ...: docs/configuration.md lists them all).`;

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

/**
 * What the command line asks for.
 * @typedef {object} Invocation
 * @property {string} config the Redocly config's path, as given
 * @property {boolean} watch
 * @property {boolean} force
 * @property {boolean} verbose print stack traces of failures
 * @property {boolean} readFlags --max-spec-size or --allow-remote-refs given (the no-op manifest knows neither)
 * @property {Omit<RunOptions, "reportsDir"> & { reports: string | undefined }} options
 */

/**
 * Reads the command line: `help` (print it, exit 0), `usage` (a usage error: print it, exit 2), or
 * what to run.
 * @param {string[]} argv
 * @param {Command} command
 * @returns {{ help: string } | { usage: string } | { run: Invocation }}
 */
export function parseCommandLine(argv, command) {
  const usageError = (/** @type {string} */ message) => ({ usage: usageText(command, message) });
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        check: { type: "boolean", default: false },
        force: { type: "boolean", default: false },
        watch: { type: "boolean", default: false },
        diff: { type: "boolean", default: false },
        "no-diff": { type: "boolean", default: false },
        base: { type: "string" },
        "base-file": { type: "string" },
        "allow-breaking": { type: "boolean", default: false },
        "allow-remote-refs": { type: "boolean" },
        ...SHARED_FLAGS,
      },
      ...STRICT,
    }).values;
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if (args.help) return { help: USAGE[command] };
  const maxSpecSize = maxSpecSizeOf(args["max-spec-size"]);
  if (typeof maxSpecSize === "string") return usageError(maxSpecSize);
  if (command === "report" && args.watch) return usageError("--watch is for `npm run generate`");
  if (command === "generate" && args["no-diff"]) return usageError("--no-diff is for `npm run report`");
  if (args.check && args.watch) return usageError("--check and --watch cannot be combined");
  if (args.base !== undefined && args["base-file"] !== undefined) {
    return usageError("--base and --base-file cannot be combined");
  }
  const wantsDiff =
    command === "report" ? !args["no-diff"] : args.diff || args.base !== undefined || args["base-file"] !== undefined;
  if (args["no-diff"] && (args.base !== undefined || args["base-file"] !== undefined)) {
    return usageError("--no-diff cannot be combined with --base or --base-file");
  }
  if (args.watch && wantsDiff)
    return usageError("--watch does not run the change report (--diff, --base, --base-file)");
  if (args.base === "" || args["base-file"] === "" || args.reports === "") {
    return usageError("--base, --base-file and --reports need a value");
  }
  /** @type {BaseOption | undefined} */
  let diff;
  if (wantsDiff) {
    diff =
      args["base-file"] !== undefined
        ? { kind: "file", path: args["base-file"] }
        : { kind: "git", ref: args.base ?? "HEAD", explicit: args.base !== undefined };
  }
  return {
    run: {
      config: args.config,
      watch: args.watch,
      force: args.force,
      verbose: args.verbose,
      readFlags: maxSpecSize !== undefined || args["allow-remote-refs"] !== undefined,
      options: {
        command,
        check: args.check,
        reports: args.reports,
        reportsExplicit: args.reports !== undefined,
        diff,
        allowBreaking: args["allow-breaking"],
        full: command === "report",
        read: { maxSpecSize, allowRemoteRefs: args["allow-remote-refs"] },
      },
    },
  };
}

/** The flags every command line here shares, for `parseArgs`. */
export const SHARED_FLAGS = /** @type {const} */ ({
  config: { type: "string", default: "redocly.yaml" },
  reports: { type: "string" },
  "max-spec-size": { type: "string" },
  verbose: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
});

/** No positionals, and an unknown flag is a usage error. */
export const STRICT = /** @type {const} */ ({ allowPositionals: false, strict: true });

/**
 * --max-spec-size in bytes, or what is wrong with it.
 * @param {string | undefined} value
 * @returns {number | undefined | string} bytes, undefined when not given, a message when not a size
 */
export function maxSpecSizeOf(value) {
  if (value === undefined) return undefined;
  return parseSize(value) ?? `--max-spec-size needs a size such as 64MB or 1048576, got "${value}"`;
}

/**
 * A usage error as printed: the reason, then the usage.
 * @param {Command} command
 * @param {string} message
 */
export function usageText(command, message) {
  return `${command}: ${message}\n\n${USAGE[command]}`;
}
