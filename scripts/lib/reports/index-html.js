// @ts-check
// reports/index.html: one static page (no script, no remote resource) linking every API's reports.

/** @typedef {import("./model.js").LintReport} LintReport */
/** @typedef {import("./diff.js").DiffOutcome} DiffOutcome */

/**
 * @typedef {object} IndexEntry
 * @property {LintReport} lint
 * @property {DiffOutcome | undefined} diff absent when no diff was asked for
 * @property {string[]} files report files present in `reports/<api>/`, by name
 * @property {string[]} notes what could not be built, e.g. "api.html: redocly build-docs: ..."
 * @property {import("./upstream.js").UpstreamSummary} [upstream] the last `npm run upstream`
 *   verdict, when it was run
 */

/**
 * @param {IndexEntry[]} entries
 * @param {{ title?: string }} [options]
 */
export function renderIndexHtml(entries, { title = "API reports" } = {}) {
  const failed = entries.filter((e) => !e.lint.passed || e.diff?.blocking).length;
  const overall = failed === 0 ? `✓ all ${entries.length} API(s) pass` : `✗ ${failed} of ${entries.length} API(s) fail`;
  const rows = entries.map((entry) => {
    const { lint, diff } = entry;
    const dir = encodeURIComponent(lint.dir);
    const links = entry.files.map((f) => `<a href="${dir}/${encodeURIComponent(f)}">${escapeHtml(f)}</a>`).join(" · ");
    const diffCell = diff
      ? `<span class="${diffClass(diff)}" data-diff-verdict="${escapeHtml(diff.bump ?? diff.status)}">${escapeHtml(diff.verdict)}</span>`
      : `<span class="muted">not run</span>`;
    const problems =
      lint.findings.length === 0
        ? ""
        : `<details${lint.passed ? "" : " open"}><summary>${lint.findings.length} problem(s)</summary><table class="problems"><thead><tr><th>Severity</th><th>Location</th><th>Rule</th><th>Message</th></tr></thead><tbody>${lint.findings
            .map(
              (f) =>
                `<tr><td class="${f.severity === "error" ? "bad" : "warn"}">${f.severity === "error" ? "error" : "warning"}</td><td><code>${escapeHtml(`${f.file}:${f.line}:${f.column}`)}</code></td><td>${f.docsUrl ? `<a href="${escapeHtml(f.docsUrl)}">${escapeHtml(f.ruleId)}</a>` : escapeHtml(f.ruleId)}</td><td>${escapeHtml(f.message)}</td></tr>`,
            )
            .join("")}</tbody></table></details>`;
    const notes = entry.notes.map((n) => `<div class="muted">${escapeHtml(n)}</div>`).join("");
    return `<tr data-api="${escapeHtml(lint.api)}">
  <th scope="row">${escapeHtml(lint.api)}<div class="muted"><code>${escapeHtml(lint.root)}</code></div></th>
  <td><span class="${lint.passed ? "ok" : "bad"}" data-lint-verdict="${lint.passed ? "passed" : "failed"}">${escapeHtml(lint.verdict)}</span>${problems}</td>
  <td>${diffCell}</td>
  <td>${upstreamCell(entry.upstream)}</td>
  <td>${links}${notes}</td>
</tr>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem; color: #1f2328; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 1px solid #d0d7de; padding: .45rem .6rem; text-align: left; vertical-align: top; }
  thead th { background: #f6f8fa; }
  table.problems { margin-top: .4rem; font-size: 13px; }
  .ok { color: #1a7f37; font-weight: 600; }
  .bad { color: #cf222e; font-weight: 600; }
  .warn { color: #9a6700; font-weight: 600; }
  .muted { color: #656d76; font-size: 13px; font-weight: normal; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p id="overall" class="${failed === 0 ? "ok" : "bad"}">${escapeHtml(overall)}</p>
<table>
<thead><tr><th>API</th><th>Lint</th><th>Change report</th><th>Upstream</th><th>Reports</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
</body>
</html>
`;
}

/**
 * The upstream verdict: undeclared, stale and declared differences, against which file and revision.
 * @param {import("./upstream.js").UpstreamSummary | undefined} upstream
 */
function upstreamCell(upstream) {
  if (!upstream) return `<span class="muted">not run</span>`;
  if ("error" in upstream)
    return `<span class="bad" data-upstream-verdict="error">${escapeHtml(upstream.error)}</span>`;
  const { counts } = upstream;
  const unchecked = counts.notCompared > 0 ? `, ${counts.notCompared} not checked` : "";
  const verdict = `${upstream.passed ? "✓" : "✗"} ${counts.undeclared} undeclared, ${counts.stale} stale${unchecked}, ${counts.declared} declared`;
  const against = `against ${upstream.spec}${upstream.revision ? ` (revision ${upstream.revision})` : ""}`;
  return `<span class="${upstream.passed ? "ok" : "bad"}" data-upstream-verdict="${upstream.passed ? "passed" : "failed"}">${escapeHtml(verdict)}</span><div class="muted">${escapeHtml(against)}</div>`;
}

/** @param {DiffOutcome} diff */
function diffClass(diff) {
  if (diff.blocking || diff.status === "error") return "bad";
  if (diff.status === "no-base") return "muted";
  return diff.bump === "major" ? "warn" : "ok";
}

/** @param {string} text */
export function escapeHtml(text) {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
