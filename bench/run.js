#!/usr/bin/env node
// @ts-check
// `npm run bench`: measures the pipeline and the client side by side against their baselines and
// writes bench/RESULTS.md. See bench/README.md for what each row measures.
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { HAS_TIME } from "./lib/process-timer.js";
import { renderResults } from "./lib/report.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ROWS = ["pipeline", "loopback", "stub", "bundle", "typecheck"];
const USAGE = `Usage: npm run bench -- [--quick] [--rows ${ROWS.join(",")}] [--spec PATH] [--runs N] [--out FILE]

  --quick       one run per side on small inputs (proves the harness works; not results)
  --rows LIST   which groups to run: pipeline (rows 1-4), loopback (5), stub (6), bundle (7),
                typecheck (8), or client (5-8); default: all
  --spec PATH   row 2 on this OpenAPI file instead of the synthetic vendor-size spec
                (linted with Redocly's "minimal" rules: an outside spec need not pass ours)
  --runs N      timed runs per side (default 5; at least 5 outside --quick)
  --no-profile  skip the CPU profiles taken for targets that are not met
  --out FILE    where to write the Markdown (default bench/RESULTS.md)`;

async function main() {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      rows: { type: "string" },
      spec: { type: "string" },
      runs: { type: "string" },
      out: { type: "string", default: join(ROOT, "bench", "RESULTS.md") },
      "no-profile": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const requested = new Set(
    (values.rows ?? ROWS.join(","))
      .split(",")
      .map((r) => r.trim())
      .flatMap((r) => (r === "client" ? ["loopback", "stub", "bundle", "typecheck"] : [r])),
  );
  for (const row of requested) {
    if (!ROWS.includes(row)) {
      console.error(`bench: unknown row "${row}"\n\n${USAGE}`);
      return 2;
    }
  }
  const quick = values.quick;
  const runs = quick ? 1 : Math.max(5, Number(values.runs ?? 5));
  const warmup = quick ? 0 : 1;
  const profile = !quick && !values["no-profile"];
  const log = (/** @type {string} */ line) => console.log(line);
  const startedAt = new Date();
  const loadBefore = loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");
  /** @type {import("./lib/report.js").Check[]} */
  const checks = [];
  /** @type {import("./lib/report.js").Section[]} */
  const sections = [];
  /** @type {string[]} */
  const notes = [];
  if (!HAS_TIME) notes.push("`/usr/bin/time` is absent: peak RSS and CPU time of whole processes are not measured.");

  if (requested.has("pipeline")) {
    log("pipeline rows (1-4)");
    const { pipelineRows } = await import("./lib/pipeline-rows.js");
    const result = await pipelineRows({ projectRoot: ROOT, quick, spec: values.spec, runs, warmup, log, profile });
    checks.push(...result.checks);
    sections.push(...result.sections);
  }
  const clientGroups = new Set([...requested].filter((r) => r !== "pipeline"));
  if (clientGroups.size > 0) {
    log("client rows (5-8)");
    const { clientRows } = await import("./lib/client-rows.js");
    const result = await clientRows({ projectRoot: ROOT, quick, runs, warmup, log, profile, rows: clientGroups });
    checks.push(...result.checks);
    sections.push(...result.sections);
  }

  const finishedAt = new Date();
  // The load after the run includes the benchmark's own processes; the one before does not.
  if (Number(loadBefore.split(",")[0]) > 0.5) {
    notes.push(
      `The load average before the run (${loadBefore}) shows other work sharing the machine's cores: wall-clock figures are noisier than on an idle machine; each ratio's spread shows how much.`,
    );
  }
  const args = process.argv.slice(2).filter((a, i, all) => a !== "--out" && all[i - 1] !== "--out");
  const markdown = renderResults({
    checks,
    sections,
    quick,
    startedAt,
    finishedAt,
    loadBefore,
    command: ["npm run bench", ...(args.length ? ["--", ...args] : [])].join(" "),
    notes,
  });
  await mkdir(dirname(resolve(values.out)), { recursive: true });
  await writeFile(values.out, markdown);
  log(`\nwrote ${values.out}`);
  for (const c of checks)
    log(`  ${c.row}: ${c.candidate} vs ${c.baseline} → ${c.met === undefined ? "report" : c.met ? "met" : "NOT met"}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
