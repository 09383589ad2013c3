// @ts-check
// The command line of `npm run upstream` (scripts/upstream.js): compare every API of the Redocly
// config with the vendor's spec, print each undeclared difference as one line, write
// reports/<api>/upstream.{json,md}.
import { join, relative, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import { loadApis } from "../config/load.js";
import { DeclarationError, SpecInputError } from "../errors.js";
import { reportDirName } from "../reports/model.js";
import { formatEntry, renderUpstreamJson, renderUpstreamMarkdown, toEntries } from "../reports/upstream.js";
import { terminalText } from "../text/escape.js";
import { compareDocuments } from "../upstream/compare.js";
import { applyDeclarations, collectDeclarations, describeDeclaration } from "../upstream/declarations.js";
import { loadSpec } from "../upstream/load.js";
import { MATCHINGS } from "../upstream/operations.js";
import { writeOutput } from "../write/output.js";
import { maxSpecSizeOf, SHARED_FLAGS, STRICT } from "./args.js";
import { failureCode, runAsProcess } from "./exit.js";

const USAGE = `Usage: npm run upstream -- --spec FILE [--config PATH] [--reports DIR] [--max-spec-size SIZE] [--verbose]

Compares every API of the config with the vendor's spec FILE (e.g. Authlete's published OpenAPI
document): each of our operations against the same method and path in FILE (else the same path in
Authlete's 2.x form without {serviceId}, else the same operationId), request body and 200
response, structurally ($refs followed on both sides). Writes reports/<api>/upstream.json and
upstream.md. A difference is fine only when our spec declares it next to the field with
x-authlete-deviation (see docs/upstream.md).

  --spec FILE       the vendor's spec (OpenAPI 3.0 or 3.1, YAML or JSON); required
  --config PATH     the Redocly config to read (default: redocly.yaml)
  --reports DIR     where reports go (default: reports/ next to the config), one directory per API
  --max-spec-size SIZE  refuse a spec file larger than SIZE (default 64MB, or the config's setting)
  --verbose         print stack traces of failures
  --help            show this help

Exit codes: 0 every difference is declared, 1 an undeclared difference, a stale declaration or bad
input, 2 usage error.`;

/**
 * @param {string[]} argv
 * @returns {Promise<number>} the exit code
 */
export async function main(argv) {
  let args;
  try {
    args = parseArgs({ args: argv, options: { spec: { type: "string" }, ...SHARED_FLAGS }, ...STRICT }).values;
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const verbose = args.verbose;
  if (args.spec === undefined || args.spec === "") return usageError("--spec FILE is required");
  if (args.reports === "") return usageError("--reports needs a value");
  const maxSpecSize = maxSpecSizeOf(args["max-spec-size"]);
  if (typeof maxSpecSize === "string") return usageError(maxSpecSize);
  try {
    return await compareAll({ spec: args.spec, config: args.config, reports: args.reports, maxSpecSize });
  } catch (error) {
    return failureCode(error, { verbose, usageError });
  }
}

/**
 * @param {{ spec: string, config: string, reports: string | undefined, maxSpecSize: number | undefined }} options
 */
async function compareAll(options) {
  const cwd = process.cwd();
  const loaded = await loadApis(options.config, { maxSpecSize: options.maxSpecSize });
  const specFile = resolve(cwd, options.spec);
  const vendor = await loadSpec(specFile, { cwd, settings: loaded.settings });
  const reportsDir = options.reports ? resolve(cwd, options.reports) : join(loaded.configDir, "reports");
  let code = 0;
  for (const api of loaded.apis) {
    const ours = await loadSpec(api.root, { cwd, settings: loaded.settings, config: loaded.config.forAlias(api.name) });
    let declarations;
    try {
      declarations = collectDeclarations(ours.document);
    } catch (error) {
      if (error instanceof DeclarationError) throw new SpecInputError(`${ours.shown}: ${error.message}`);
      throw error;
    }
    const comparison = compareDocuments(vendor.document, ours.document);
    const { judged, stale, notCompared, covers } = applyDeclarations(
      comparison.findings,
      declarations,
      comparison.compared,
    );
    // Each side's `file:line:col` where it can be told, relative to the config (deterministic).
    const findings = toEntries(judged).map((entry) => ({
      ...entry,
      upstream: withSource(entry.upstream, vendor.locate(entry.upstream.pointer, loaded.configDir)),
      ours: withSource(entry.ours, ours.locate(entry.ours.pointer, loaded.configDir)),
    }));
    const undeclared = findings.filter((f) => !f.declared);
    const declared = findings.length - undeclared.length;
    // Field paths and values quote the vendor's spec: each line goes through the terminal escape.
    for (const entry of undeclared) console.error(terminalText(`✗ ${api.name}: ${formatEntry(entry)}`));
    for (const s of stale) {
      const at = ours.locate(s.pointer, loaded.configDir);
      console.error(
        terminalText(
          `! ${api.name}: stale deviation at ${describeDeclaration(s)}${at ? ` (${at})` : ""}: no longer differs; remove the declaration`,
        ),
      );
    }
    for (const d of notCompared) {
      const at = ours.locate(d.pointer, loaded.configDir);
      console.log(
        `? ${api.name}: deviation at ${describeDeclaration(d)}${at ? ` (${at})` : ""} not checked: its field has no counterpart in the vendor spec`,
      );
    }
    for (const o of comparison.operations) {
      if (o.matchedBy !== "path") {
        const how = o.matchedBy ? `matched ${o.upstream} by ${MATCHINGS[o.matchedBy]}` : "not found";
        console.log(`  ${o.operation}: ${how}`);
      }
    }
    for (const [d, count] of covers) {
      if (count > 0) console.log(terminalText(`  declared: ${describeDeclaration(d)} (${count} finding(s))`));
    }
    const passed = undeclared.length === 0 && stale.length === 0;
    if (!passed) code = 1;
    /** @type {import("../reports/upstream.js").UpstreamReport} */
    const version = vendor.document.info?.version;
    const report = {
      api: api.name,
      spec: portable(relative(loaded.configDir, specFile)),
      revision: typeof version === "string" ? version : undefined,
      root: portable(relative(loaded.configDir, api.root)),
      operations: comparison.operations,
      findings,
      declarations: [...covers].map(([d, count]) => ({ ...declarationJson(d), covers: count })),
      stale: stale.map(declarationJson),
      notCompared: notCompared.map(declarationJson),
      counts: { undeclared: undeclared.length, declared, stale: stale.length, notCompared: notCompared.length },
      passed,
    };
    const dir = join(reportsDir, reportDirName(api.name));
    await writeOutput(join(dir, "upstream.json"), renderUpstreamJson(report));
    await writeOutput(
      join(dir, "upstream.md"),
      renderUpstreamMarkdown(report, { linkBase: portable(relative(dir, loaded.configDir)) }),
    );
    const unchecked = notCompared.length > 0 ? `, ${notCompared.length} not checked` : "";
    const summary = `${api.name}: ${undeclared.length} undeclared, ${stale.length} stale${unchecked}, ${declared} declared difference(s) (${declarations.length - stale.length - notCompared.length} declaration(s)) against ${vendor.shown}; ${portable(relative(cwd, dir)) || "."}/upstream.{json,md}`;
    (passed ? console.log : console.error)(`${passed ? "✓" : "✗"} ${summary}`);
  }
  return code;
}

/** @param {import("../upstream/declarations.js").Declaration} d */
function declarationJson(d) {
  return {
    pointer: d.pointer,
    kind: d.kind,
    upstream: d.upstream,
    reason: d.reason.trim(),
    ...(d.property === undefined ? {} : { property: d.property }),
  };
}

/**
 * @param {{ pointer: string, value: string }} side
 * @param {string | undefined} source
 */
function withSource(side, source) {
  return source === undefined ? side : { ...side, source };
}

/** @param {string} path */
function portable(path) {
  return path.split(sep).join("/");
}

/** @param {string} message */
function usageError(message) {
  console.error(`upstream: ${message}\n\n${USAGE}`);
  return 2;
}

/** Runs `main` as the process's entry point. */
export function run() {
  return runAsProcess(main);
}
