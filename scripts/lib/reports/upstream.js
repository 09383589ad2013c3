// @ts-check
// reports/<api>/upstream.json and upstream.md: what `npm run upstream` found, for machines and for
// job summaries. Both are rendered from the same model; nothing in them changes from run to run
// for the same inputs (no date, no absolute path).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { markdownCode, markdownText } from "../text/escape.js";
import { MATCHINGS } from "../upstream/operations.js";

/** The report files of one API, in `reports/<api>/`, as reports/index.html links them. */
export const UPSTREAM_REPORT_FILES = Object.freeze(["upstream.md", "upstream.json"]);

/**
 * The upstream verdict as reports/index.html shows it, read back from `upstream.json`.
 * @typedef {{ passed: boolean, spec: string, revision: string | undefined, counts: UpstreamReport["counts"] } | { error: string }} UpstreamSummary
 */

/**
 * Reads the verdict of `npm run upstream` from an API's report folder: undefined when it was not
 * run, `{ error }` when the file cannot be read as an upstream report.
 * @param {string} apiDir
 * @returns {Promise<UpstreamSummary | undefined>}
 */
export async function readUpstreamSummary(apiDir) {
  let text;
  try {
    text = await readFile(join(apiDir, "upstream.json"), "utf8");
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === "ENOENT") return undefined;
    return { error: `upstream.json not read: ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    const report = JSON.parse(text);
    const counts = report?.counts;
    const numbers = ["undeclared", "declared", "stale"].every((k) => Number.isInteger(counts?.[k]));
    if (typeof report?.passed !== "boolean" || typeof report.spec !== "string" || !numbers) {
      return { error: "upstream.json is not an upstream report" };
    }
    return {
      passed: report.passed,
      spec: report.spec,
      revision: typeof report.revision === "string" ? report.revision : undefined,
      counts: { notCompared: 0, ...counts },
    };
  } catch {
    return { error: "upstream.json is not valid JSON" };
  }
}

/**
 * @typedef {object} UpstreamEntry
 * @property {string} kind
 * @property {string} field
 * @property {string[]} [alsoAt] the other paths of the same difference, when it is in a schema
 *   several places share
 * @property {number} [alsoAtMore] how many more paths there are than `alsoAt` lists
 * @property {string[]} operations
 * @property {{ pointer: string, value: string, source?: string }} upstream `source`: `file:line:col`, when known
 * @property {{ pointer: string, value: string, source?: string }} ours
 * @property {boolean} declared
 * @property {string} [reason] the declaration's reason, when declared
 */

/** @typedef {{ pointer: string, kind: string, upstream: string, reason: string, property?: string }} DeclarationJson */

/**
 * @typedef {object} UpstreamReport
 * @property {string} api
 * @property {string} spec the vendor spec, as given (relative to the config's folder when inside it)
 * @property {string | undefined} revision the vendor spec's `info.version`
 * @property {string} root our root file, relative to the config's folder
 * @property {import("../upstream/operations.js").OperationMatch[]} operations each of our operations and how it was matched upstream
 * @property {UpstreamEntry[]} findings
 * @property {(DeclarationJson & { covers: number })[]} declarations every declaration and how many findings it covers
 * @property {DeclarationJson[]} stale the declarations that cover nothing on a field that was compared
 * @property {DeclarationJson[]} notCompared the declarations on fields that had no counterpart upstream
 * @property {{ undeclared: number, declared: number, stale: number, notCompared: number }} counts
 * @property {boolean} passed
 */

/**
 * Folds findings that are the same difference reached from several operations into one entry.
 * @param {{ finding: import("../upstream/compare.js").Finding, declaration: import("../upstream/declarations.js").Declaration | undefined }[]} judged
 * @returns {UpstreamEntry[]}
 */
export function toEntries(judged) {
  /** @type {Map<string, UpstreamEntry>} */
  const entries = new Map();
  /** @type {Map<UpstreamEntry, Set<string>>} every path of each entry */
  const paths = new Map();
  for (const { finding, declaration } of judged) {
    // Declared on one path and not on another: both are listed.
    const key = JSON.stringify([finding.kind, finding.upstream, finding.ours, declaration !== undefined]);
    const known = entries.get(key);
    if (known) {
      if (!known.operations.includes(finding.operation)) known.operations.push(finding.operation);
      // The shortest way to the field names it best (a recursive schema is met again deeper down).
      if (finding.field.length < known.field.length) known.field = finding.field;
      const all = /** @type {Set<string>} */ (paths.get(known));
      for (const path of [finding.field, ...finding.alsoAt]) all.add(path);
      if (finding.alsoAtMore) known.alsoAtMore = (known.alsoAtMore ?? 0) + finding.alsoAtMore;
      continue;
    }
    /** @type {UpstreamEntry} */
    const entry = {
      kind: finding.kind,
      field: finding.field,
      operations: [finding.operation],
      upstream: finding.upstream,
      ours: finding.ours,
      declared: declaration !== undefined,
      ...(declaration ? { reason: declaration.reason.trim() } : {}),
      ...(finding.alsoAtMore ? { alsoAtMore: finding.alsoAtMore } : {}),
    };
    entries.set(key, entry);
    paths.set(entry, new Set([finding.field, ...finding.alsoAt]));
  }
  // A difference in a shared schema is at every place that uses it: all of them are named.
  return [...entries.values()].map((entry) => {
    const alsoAt = [.../** @type {Set<string>} */ (paths.get(entry))].filter((p) => p !== entry.field);
    if (alsoAt.length === 0) return entry;
    const { alsoAtMore, ...rest } = entry;
    return { ...rest, alsoAt, ...(alsoAtMore ? { alsoAtMore } : {}) };
  });
}

/**
 * One line for an undeclared difference, naming the field.
 * @param {UpstreamEntry} entry
 */
export function formatEntry(entry) {
  const at = entry.ours.source ? `; ours at ${entry.ours.source}` : "";
  const shared = entry.alsoAt ? `; also at ${entry.alsoAt.join(", ")}${more(entry)}` : "";
  return `${entry.field}: ${entry.kind.replace(/-/g, " ")} (upstream ${entry.upstream.value}, ours ${entry.ours.value}) in ${entry.operations[0]}${shared}${at}`;
}

/** @param {UpstreamEntry} entry */
function more(entry) {
  return entry.alsoAtMore ? ` and ${entry.alsoAtMore} more` : "";
}

/** @param {UpstreamReport} report */
export function renderUpstreamJson(report) {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * The job-summary view: the verdict, the undeclared differences (where ours is), the stale
 * declarations, then the declared ones folded away with their reasons.
 * @param {UpstreamReport} report
 * @param {{ linkBase?: string }} [options] `linkBase`: the config's folder relative to the Markdown
 *   file's; each finding then links to its field in our spec (`file#Lline`)
 */
export function renderUpstreamMarkdown(report, { linkBase } = {}) {
  const { counts } = report;
  const where = (/** @type {UpstreamEntry} */ f) => (f.ours.source ? sourceLink(f.ours.source, linkBase) : "");
  const verdict = report.passed
    ? `✅ **${markdownText(report.api)}** matches ${markdownCode(report.spec)}: ${counts.declared} declared difference(s), nothing undeclared.`
    : `❌ **${markdownText(report.api)}** drifts from ${markdownCode(report.spec)}: ${counts.undeclared} undeclared difference(s), ${counts.stale} stale declaration(s), ${counts.declared} declared.`;
  const lines = [`### Upstream drift: ${markdownText(report.api)}`, "", verdict, "", matchingLine(report), ""];
  const undeclared = report.findings.filter((f) => !f.declared);
  if (undeclared.length > 0) {
    lines.push("| Field | Kind | Upstream | Ours | Where (ours) |", "|---|---|---|---|---|");
    for (const f of undeclared) {
      lines.push(`| ${row(f)} | ${where(f)} |`);
    }
    lines.push("");
  }
  if (report.stale.length > 0) {
    lines.push("Stale declarations (the difference they declare is gone: remove them):", "");
    for (const s of report.stale) {
      lines.push(
        `- ${code(s.pointer)}${s.property ? ` (${cell(s.property)})` : ""}: ${cell(s.kind)}, upstream ${code(s.upstream)}`,
      );
    }
    lines.push("");
  }
  if (report.notCompared.length > 0) {
    lines.push(
      "Declarations not checked (their field has no counterpart upstream, so nothing says whether they still hold):",
      "",
    );
    for (const s of report.notCompared) {
      lines.push(
        `- \`${cell(s.pointer)}\`${s.property ? ` (${cell(s.property)})` : ""}: ${s.kind}, upstream ${code(s.upstream)}`,
      );
    }
    lines.push("");
  }
  const declared = report.findings.filter((f) => f.declared);
  if (declared.length > 0) {
    lines.push(`<details><summary>${declared.length} declared difference(s)</summary>`, "");
    lines.push("| Field | Kind | Upstream | Ours | Reason | Where (ours) |", "|---|---|---|---|---|---|");
    for (const f of declared) lines.push(`| ${row(f)} | ${cell(f.reason ?? "")} | ${where(f)} |`);
    lines.push("", "</details>", "");
  }
  return lines.join("\n");
}

/** @param {UpstreamEntry} f */
function row(f) {
  const shared = f.alsoAt ? ` (also ${f.alsoAt.map(code).join(", ")}${more(f)})` : "";
  return `${code(f.field)}${shared} | ${cell(f.kind)} | ${code(f.upstream.value)} | ${code(f.ours.value)}`;
}

/**
 * How the operations were matched upstream, in one line.
 * @param {UpstreamReport} report
 */
function matchingLine(report) {
  /** @type {Map<string, string[]>} */
  const groups = new Map();
  for (const o of report.operations) {
    const how = o.matchedBy ? `matched by ${MATCHINGS[o.matchedBy]}` : "not found upstream";
    const shown =
      o.upstream && o.upstream !== o.operation ? `${code(o.operation)} (as ${code(o.upstream)})` : code(o.operation);
    groups.set(how, [...(groups.get(how) ?? []), shown]);
  }
  const parts = [...groups].map(([how, names]) => `${names.length} ${how}: ${names.join(", ")}`);
  return `Operations against ${report.revision ? `revision ${code(report.revision)}` : "the vendor spec"}: ${parts.join("; ") || "none"}.`;
}

/**
 * A link from the Markdown file to `file:line:col` in our spec, or the location as code.
 * @param {string} source
 * @param {string | undefined} linkBase
 */
function sourceLink(source, linkBase) {
  const match = /^(.+):(\d+):\d+$/.exec(source);
  if (!match || linkBase === undefined) return code(source);
  const href = encodeURI(`${linkBase === "" ? "" : `${linkBase}/`}${match[1]}`).replace(/[()]/g, (c) =>
    c === "(" ? "%28" : "%29",
  );
  return `[${code(source)}](${href}#L${match[2]})`;
}

/** Vendor text in a table cell or list item: see ../text/escape.js. */
const cell = markdownText;

/** Vendor text as a code span: see ../text/escape.js. */
const code = markdownCode;
