// @ts-check
// reports/<api>/upstream.json and upstream.md: what `npm run upstream` found, for machines and for
// job summaries. Both are rendered from the same model; nothing in them changes from run to run
// for the same inputs (no date, no absolute path).

/** The report files of one API, in `reports/<api>/`, as reports/index.html links them. */
export const UPSTREAM_REPORT_FILES = Object.freeze(["upstream.md", "upstream.json"]);

/**
 * @typedef {object} UpstreamEntry
 * @property {string} kind
 * @property {string} field
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
 * @property {string} root our root file, relative to the config's folder
 * @property {UpstreamEntry[]} findings
 * @property {(DeclarationJson & { covers: number })[]} declarations every declaration and how many findings it covers
 * @property {DeclarationJson[]} stale the declarations that cover nothing
 * @property {{ undeclared: number, declared: number, stale: number }} counts
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
  for (const { finding, declaration } of judged) {
    // Declared on one path and not on another: both are listed.
    const key = JSON.stringify([finding.kind, finding.upstream, finding.ours, declaration !== undefined]);
    const known = entries.get(key);
    if (known) {
      if (!known.operations.includes(finding.operation)) known.operations.push(finding.operation);
      // The shortest way to the field names it best (a recursive schema is met again deeper down).
      if (finding.field.length < known.field.length) known.field = finding.field;
      continue;
    }
    entries.set(key, {
      kind: finding.kind,
      field: finding.field,
      operations: [finding.operation],
      upstream: finding.upstream,
      ours: finding.ours,
      declared: declaration !== undefined,
      ...(declaration ? { reason: declaration.reason.trim() } : {}),
    });
  }
  return [...entries.values()];
}

/**
 * One line for an undeclared difference, naming the field.
 * @param {UpstreamEntry} entry
 */
export function formatEntry(entry) {
  const at = entry.ours.source ? `; ours at ${entry.ours.source}` : "";
  return `${entry.field}: ${entry.kind.replace(/-/g, " ")} (upstream ${entry.upstream.value}, ours ${entry.ours.value}) in ${entry.operations[0]}${at}`;
}

/** @param {UpstreamReport} report */
export function renderUpstreamJson(report) {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * The job-summary view: the verdict, the undeclared differences (where ours is), the stale
 * declarations, then the declared ones folded away with their reasons.
 * @param {UpstreamReport} report
 */
export function renderUpstreamMarkdown(report) {
  const { counts } = report;
  const verdict = report.passed
    ? `✅ **${report.api}** matches \`${report.spec}\`: ${counts.declared} declared difference(s), nothing undeclared.`
    : `❌ **${report.api}** drifts from \`${report.spec}\`: ${counts.undeclared} undeclared difference(s), ${counts.stale} stale declaration(s), ${counts.declared} declared.`;
  const lines = [`### Upstream drift: ${report.api}`, "", verdict, ""];
  const undeclared = report.findings.filter((f) => !f.declared);
  if (undeclared.length > 0) {
    lines.push("| Field | Kind | Upstream | Ours | Where (ours) |", "|---|---|---|---|---|");
    for (const f of undeclared) {
      lines.push(`| ${row(f)} | ${f.ours.source ? code(f.ours.source) : ""} |`);
    }
    lines.push("");
  }
  if (report.stale.length > 0) {
    lines.push("Stale declarations (the difference they declare is gone: remove them):", "");
    for (const s of report.stale) {
      lines.push(
        `- \`${cell(s.pointer)}\`${s.property ? ` (${cell(s.property)})` : ""}: ${s.kind}, upstream ${code(s.upstream)}`,
      );
    }
    lines.push("");
  }
  const declared = report.findings.filter((f) => f.declared);
  if (declared.length > 0) {
    lines.push(`<details><summary>${declared.length} declared difference(s)</summary>`, "");
    lines.push("| Field | Kind | Upstream | Ours | Reason |", "|---|---|---|---|---|");
    for (const f of declared) lines.push(`| ${row(f)} | ${cell(f.reason ?? "")} |`);
    lines.push("", "</details>", "");
  }
  return lines.join("\n");
}

/** @param {UpstreamEntry} f */
function row(f) {
  return `\`${cell(f.field)}\` | ${f.kind} | ${code(f.upstream.value)} | ${code(f.ours.value)}`;
}

/** @param {string} text */
function cell(text) {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** @param {string} text */
function code(text) {
  return `\`${cell(text).replace(/`/g, "'")}\``;
}
