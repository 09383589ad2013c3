// @ts-check
// The reports of one run, after the generated files are written: the lint reports of every API
// (lint.json, lint.md, lint.sarif, lint.junit.xml), the change report (with --diff, or `report`)
// and, for `report`, api.html, stats.json and index.html.
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { writeFailure, writeOutput } from "../write/output.js";

/** @typedef {import("../cli/pipeline.js").BuildResult} BuildResult */
/** @typedef {import("./diff.js").DiffOutcome} DiffOutcome */
/**
 * @typedef {import("../cli/args.js").RunOptions & { reportsDir: string | undefined, configDir: string, configAbsolute: string, cwd: string }} ReportContext
 */

/**
 * Writes this run's reports (none without a reports folder, but the change report's verdict
 * still counts). Returns whether a breaking change blocks the run, and the lint report files written.
 * @param {BuildResult[]} results
 * @param {ReportContext} context
 * @returns {Promise<{ blocking: boolean, files: string[] }>}
 */
export async function writeReports(results, context) {
  const { reportsDir, configDir, configAbsolute, cwd } = context;
  let blocking = false;
  /** @type {string[]} */
  const files = [];
  if (reportsDir) {
    const { toLintReport } = await import("./model.js");
    const { LINT_REPORT_FILES, writeLintReports } = await import("./write-lint.js");
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
        return writeLintReports(lint, apiDir).catch((error) => {
          throw writeFailure(apiDir, error);
        });
      }),
    );
    files.push(...written.flat());
    const count = written.filter((files) => files.length > 0).length;
    if (count > 0) console.log(lintReportsLine(reportsDir, count));

    if (context.diff || context.full) {
      const extra = await heavyReports(results, lints, { ...context, reportsDir });
      if (extra.blocking) blocking = true;
    }
  } else if (context.diff) {
    // `generate --check --diff` without --reports: the verdict still decides the exit code.
    const { diffApi } = await import("./diff.js");
    for (const { api, refused } of results) {
      if (refused) continue; // Redocly's CLI would read what the pipeline refused
      const diff = await diffApi(api, context.diff, {
        configPath: configAbsolute,
        configDir,
        cwd,
        allowBreaking: context.allowBreaking,
      });
      printDiff(diff);
      if (diff.blocking) blocking = true;
    }
  }
  return { blocking, files };
}

/**
 * @param {string} reportsDir
 * @param {number} count
 */
export function lintReportsLine(reportsDir, count) {
  return `✓ lint reports: ${rel(reportsDir)}/<api>/lint.{json,md,sarif,junit.xml} (${count} API(s))`;
}

/**
 * The change report (with --diff or `report`) and, for `report`, api.html, stats.json and
 * index.html. The tools of one API run side by side; APIs one after the other.
 * @param {BuildResult[]} results
 * @param {import("./model.js").LintReport[]} lints
 * @param {ReportContext & { reportsDir: string }} context
 */
async function heavyReports(results, lints, context) {
  const { diffApi, renderDiffJson, renderDiffMarkdown } = await import("./diff.js");
  const { buildApiHtml, writeStats } = await import("./api-docs.js");
  const { renderIndexHtml } = await import("./index-html.js");
  const { LINT_REPORT_FILES } = await import("./write-lint.js");
  const { UPSTREAM_REPORT_FILES, readUpstreamSummary } = await import("./upstream.js");
  let blocking = false;
  /** @type {import("./index-html.js").IndexEntry[]} */
  const entries = [];
  for (const [i, result] of results.entries()) {
    const lint = /** @type {import("./model.js").LintReport} */ (lints[i]);
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
    const upstream = await readUpstreamSummary(apiDir);
    entries.push({ lint, diff, files, notes, ...(upstream ? { upstream } : {}) });
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

/** @param {string} file */
function rel(file) {
  return relative(process.cwd(), file) || file;
}
