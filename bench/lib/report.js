// @ts-check
// Writes bench/RESULTS.md: the targets table, the machine, then one section per row.
import { cpus, loadavg, totalmem } from "node:os";
import { formatRatio } from "./stats.js";

/**
 * One measured figure against its target.
 * @typedef {object} Check
 * @property {string} row e.g. "1", "3a"
 * @property {string} what
 * @property {string} baseline the baseline's figure, formatted
 * @property {string} candidate the measured figure, formatted
 * @property {number} ratio median of the pair ratios (NaN when the row has none)
 * @property {[number, number]} [spread] smallest and largest pair ratio
 * @property {string} target
 * @property {boolean | undefined} met undefined when the row only reports
 */

/**
 * Details of a row.
 * @typedef {object} Section
 * @property {string} title
 * @property {string[]} lines Markdown
 * @property {import("./cpu-profile.js").ProfileSummary} [profile] where the time goes, for a target not met
 * @property {string} [profileOf] what was profiled
 */

/**
 * What would close each target when it is not met: read off the profiles of the code as it is
 * now (see the profile tables, which are fresh on every run); revise when the code changes.
 * @type {Record<string, string>}
 */
const ANALYSIS = {
  1: "`generate` already overlaps the two halves: the main thread loads `@redocly/openapi-core` and lints, while a worker thread (started before the config is read) imports openapi-typescript, bundles with openapi-typescript's own `openapi-core` (no second copy) and compiles. On the fragment the critical path is that worker: booting and importing openapi-typescript with TypeScript (~0.55 s alone, ~0.7 s while the main thread loads Redocly on the other core), then the transform; the spec work itself is ~0.1 s. What would close it: a V8 code cache for TypeScript's 9 MB file and the CJS export lexer that scans it on every ESM import (Node 22's `module.enableCompileCache()`, absent from Node 20), or emitting the `.ts` text without loading the TypeScript compiler API at all (openapi-typescript builds a TypeScript AST and prints it).",
  2: "Lint (main thread) and bundle + types (worker) run side by side; at this size each half is ~0.9–1.2 s and the critical path is Redocly's lint with the project's recommended-strict rules, most of it ajv compiling and running the schemas of every example (`no-invalid-media-type-examples`, `no-invalid-schema-examples`). What would close it: splitting the lint itself across cores (e.g. example validation in a second worker), which Redocly's API does not offer per rule.",
  3: "A no-op run reads the manifest of the last successful run and hashes every input and output without loading Redocly or TypeScript; what remains is Node's start-up and reading/hashing the files.",
  4: "Time: lint and generation overlap, so the floor is the lint walk of the 8 MB spec on the main thread (~3.8 s, ~60 % of the baseline alone); below 0.70× would need the lint itself split across cores. Memory: both threads hold their own parse of the spec at the same time (Redocly v2 for the lint, openapi-typescript's v1 for bundle + AST), where the baseline frees the lint process before the second CLI starts. Running the two halves one after the other measured 1.62× memory and 1.01× time here; the overlap was kept for time. What would close memory: one parse shared by both halves (not possible across the two `openapi-core` majors), or a serial mode for very large specs.",
  5: "The client already skips openapi-fetch's middleware, builds no `Request` (a deferred stand-in hands URL and init straight to `fetch`), sends headers prepared once for a fixed token, and times out with a cleared timer instead of `AbortSignal.timeout()`. What remains per call is openapi-fetch's `coreFetch` (two `mergeHeaders` building `Headers`, the URL assembly; it hands the body back unread with `parseAs: \"stream\"`), the client's own capped, strictly decoded (fatal UTF-8) body read under the time limit, and one `AbortController` and timer for the default 30 s limit. Retries are off by default and cost nothing then. Closing the rest would mean calling `fetch` directly instead of through openapi-fetch, the typed client this package is built on; it was kept.",
  6: "Same code as row 5 without the network, so raw fetch's own cost is small and the fixed per-call overhead of openapi-fetch's `coreFetch` and the per-call time limit (see row 5) weighs more.",
  7: "openapi-fetch is about 40 % of the client's minified bytes and the project's own code the rest: the client, the typed raw client it also exposes, the error classes (with the redaction of echoed secrets), the capped and strict body reader, and the opt-in retry policy with its `Retry-After` parser (those last three, added for reliability, took the bundle from 4.6 KB to 6.7 KB). What would close it: a hot path that does not pull openapi-fetch's runtime in (its types are free), shorter error classes (shared constructor, codes as a table), or both. Cold import: the package entry also re-exports the token-endpoint toolkit, whose modules load with it.",
};

export function machine() {
  const cpu = cpus();
  return {
    cpu: `${cpu[0]?.model ?? "unknown"} × ${cpu.length}`,
    ram: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(", "),
  };
}

/**
 * @param {{ checks: Check[], sections: Section[], quick: boolean, startedAt: Date, finishedAt: Date, loadBefore: string, command: string, notes: string[] }} data
 */
export function renderResults({ checks, sections, quick, startedAt, finishedAt, loadBefore, command, notes }) {
  const m = machine();
  const out = [
    "# Benchmark results",
    "",
    `Written by \`${command}\` on ${startedAt.toISOString().slice(0, 10)} (${startedAt.toISOString()} → ${finishedAt.toISOString()}).`,
    quick
      ? "\n**Quick mode** (`--quick`): one run per side on small inputs. These figures only prove the harness runs; they are not results.\n"
      : "",
    `Machine: ${m.cpu}, ${m.ram} RAM, ${m.platform}, Node ${m.node}. Load average (1, 5, 15 min) before the run: ${loadBefore}; after it (its own processes included): ${m.load}.`,
    "",
    "Method: every row runs its baseline and candidates side by side in one run, alternating the order each iteration, after unrecorded warm-up runs; figures are medians, ratios are medians of the ratios taken pair by pair (the spread is the smallest and largest pair ratio). Pipeline rows time whole processes (peak RSS and CPU time from `/usr/bin/time`); client rows measure CPU time in the client process (`process.cpuUsage()`) and medians of per-call samples (tinybench). Synthetic specs are generated into a temporary directory from a fixed seed (`bench/lib/synthetic-spec.js`).",
    "",
    "| row | what | baseline | measured | ratio (spread) | target | met |",
    "|---|---|---:|---:|---:|---|:---:|",
  ];
  for (const c of checks) {
    const spread = c.spread ? ` (${c.spread[0].toFixed(2)}–${c.spread[1].toFixed(2)})` : "";
    const met = c.met === undefined ? "—" : c.met ? "✅ met" : "❌ not met";
    out.push(
      `| ${c.row} | ${c.what} | ${c.baseline} | ${c.candidate} | ${formatRatio(c.ratio)}${spread} | ${c.target} | ${met} |`,
    );
  }
  if (notes.length > 0) out.push("", "Notes:", "", ...notes.map((n) => `- ${n}`));
  for (const section of sections) {
    out.push("", `## ${section.title}`, "", ...section.lines);
    const rowNumber = /^Row (\d+)/.exec(section.title)?.[1];
    const unmet = checks.some((c) => c.met === false && c.row.replace(/[a-z]$/, "") === rowNumber);
    if (section.profile) {
      const p = section.profile;
      out.push(
        "",
        `Where the time goes (${section.profileOf ?? "the candidate"} under \`node --cpu-prof\`, ${p.totalMs.toFixed(0)} ms sampled in ${p.profiles} profile(s), self time; ${p.loadingMs.toFixed(0)} ms (${((100 * p.loadingMs) / Math.max(1, p.totalMs)).toFixed(0)} %) of it in Node's module loaders and CJS lexer):`,
        "",
        "| owner | self time | share |",
        "|---|---:|---:|",
        ...p.byPackage.map((e) => `| ${e.name} | ${e.ms.toFixed(0)} ms | ${(e.share * 100).toFixed(0)} % |`),
        "",
        "Hottest functions:",
        "",
        "| function | self time | share |",
        "|---|---:|---:|",
        ...p.topFunctions.map(
          (e) => `| \`${e.name.replace(/\|/g, "\\|")}\` | ${e.ms.toFixed(1)} ms | ${(e.share * 100).toFixed(0)} % |`,
        ),
      );
    }
    const analysis = rowNumber ? ANALYSIS[rowNumber] : undefined;
    if (unmet && analysis) out.push("", `**Not met: what would close it.** ${analysis}`);
  }
  return `${out.filter((line, i, all) => !(line === "" && all[i - 1] === "")).join("\n")}\n`;
}
