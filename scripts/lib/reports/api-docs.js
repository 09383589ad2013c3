// @ts-check
// The heavier per-API reports of `npm run report`: the HTML reference (redocly build-docs) and stats.json (redocly stats).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../write/atomic-write.js";
import { redoclyErrorText, runRedocly } from "./redocly-cli.js";

/**
 * @typedef {object} ToolOutcome
 * @property {boolean} ok
 * @property {string | undefined} error why it failed
 */

/**
 * Builds `api.html` with `redocly build-docs --inlineBundle`: Redoc's scripts are embedded and the
 * page is pre-rendered, so it opens from disk with no CDN (the only remote references left are
 * optional icons and the Redocly logo). Written atomically through a temporary file.
 * @param {{ name: string }} api
 * @param {{ configPath: string, configDir: string, outFile: string, title?: string }} options
 * @returns {Promise<ToolOutcome>}
 */
export async function buildApiHtml(api, { configPath, configDir, outFile, title }) {
  const temp = await mkdtemp(join(tmpdir(), "api-docs-"));
  try {
    const tempFile = join(temp, "api.html");
    const args = ["build-docs", api.name, "--config", configPath, "--inlineBundle", "--output", tempFile];
    if (title) args.push("--title", title);
    const run = await runRedocly(args, { cwd: configDir });
    if (run.code !== 0) return { ok: false, error: `redocly build-docs: ${redoclyErrorText(run.stderr)}` };
    await writeFileAtomic(outFile, await readFile(tempFile));
    return { ok: true, error: undefined };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/**
 * Writes `stats.json`: the figures of `redocly stats --format json` (references, schemas,
 * operations, ...), keyed as Redocly keys them.
 * @param {{ name: string }} api
 * @param {{ configPath: string, configDir: string, outFile: string }} options
 * @returns {Promise<ToolOutcome & { stats?: Record<string, { metric: string, total: number }> }>}
 */
export async function writeStats(api, { configPath, configDir, outFile }) {
  const run = await runRedocly(["stats", api.name, "--config", configPath, "--format", "json"], { cwd: configDir });
  if (run.code !== 0) return { ok: false, error: `redocly stats: ${redoclyErrorText(run.stderr)}` };
  let stats;
  try {
    stats = JSON.parse(run.stdout);
  } catch {
    return { ok: false, error: "redocly stats printed no JSON" };
  }
  await writeFileAtomic(outFile, `${JSON.stringify(stats, null, 2)}\n`);
  return { ok: true, error: undefined, stats };
}
